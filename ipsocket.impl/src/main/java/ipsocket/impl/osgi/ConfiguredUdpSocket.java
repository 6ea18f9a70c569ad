package ipsocket.impl.osgi;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import ipsocket.api.SocketPids;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * One UDP socket per factory configuration of {@code ipsocket.UdpSocket}: live as soon as its
 * configuration arrives, registered as a service under its interfaces, reconfigured in place
 * on update and closed gracefully on delete.
 *
 * <p>{@link FactoryUdpSocket} (the component factory) extends it: the body is this class's, once.
 */
@Component(name = SocketPids.UDP_SOCKET, configurationPid = SocketPids.UDP_SOCKET,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = UdpSocketConfiguration.class, factory = true)
public class ConfiguredUdpSocket extends UdpSocketImpl {
    private final SocketService service;

    /**
     * Creates the socket, applies its configuration and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the configuration
     */
    @Activate
    public ConfiguredUdpSocket(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
            Map<String, Object> properties) {
        super(runtime.loops(), SocketService.objectIdOf(properties));
        this.service = new SocketService(this, SocketService.Kind.UDP, runtime, properties);
        service.register(context);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        service.modified(properties);
    }

    @Deactivate
    void deactivate() {
        service.close();
    }
}
