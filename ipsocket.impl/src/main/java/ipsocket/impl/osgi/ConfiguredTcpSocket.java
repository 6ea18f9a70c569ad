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
import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * One TCP socket per factory configuration of {@code ipsocket.TcpSocket}: live as soon as its
 * configuration arrives, registered as a service under its interfaces, reconfigured in place
 * on update and closed gracefully on delete.
 *
 * <p>{@link FactoryTcpSocket} (the component factory) extends it: the body is this class's, once.
 */
@Component(name = SocketPids.TCP_SOCKET, configurationPid = SocketPids.TCP_SOCKET,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = TcpSocketConfiguration.class, factory = true)
public class ConfiguredTcpSocket extends TcpSocketImpl {
    private final SocketService service;

    /**
     * Creates the socket, applies its configuration and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the configuration
     */
    @Activate
    public ConfiguredTcpSocket(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
            Map<String, Object> properties) {
        super(runtime.loops(), SocketService.objectIdOf(properties));
        this.service = new SocketService(this, SocketService.Kind.TCP, runtime, properties);
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
