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
import ipsocket.impl.server.TcpServerImpl;

/**
 * One TCP server per factory configuration of {@code ipsocket.TcpServer}: listening as soon as its
 * configuration arrives, registered as a service, reconfigured in place on update (a new address
 * or port listens anew, established connections stay), and closed with its connections on delete.
 *
 * <p>{@link FactoryTcpServer} (the component factory) extends it: the body is this class's, once.
 */
@Component(name = SocketPids.TCP_SERVER, configurationPid = SocketPids.TCP_SERVER,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = TcpServerConfiguration.class, factory = true)
public class ConfiguredTcpServer extends TcpServerImpl {
    private final ServerService service;

    /**
     * Creates the server, applies its configuration, listens and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the configuration
     */
    @Activate
    public ConfiguredTcpServer(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
            Map<String, Object> properties) {
        super(runtime.loops(), SocketService.objectIdOf(properties));
        this.service = new ServerService(this, runtime, context, properties);
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
