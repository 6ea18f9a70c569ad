package ipsocket.impl.osgi;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

import ipsocket.api.SocketPids;
import ipsocket.impl.server.TcpServerImpl;

/**
 * TCP servers created from code through the component factory {@code ipsocket.TcpServer.factory}:
 * {@code ComponentFactory.newInstance(properties)} takes the same keys as a configuration,
 * {@code getInstance()} is the server (also registered as a service), and {@code dispose()} closes
 * it with its connections.
 */
@Component(name = SocketPids.TCP_SERVER_COMPONENT_FACTORY, factory = SocketPids.TCP_SERVER_COMPONENT_FACTORY,
        configurationPolicy = ConfigurationPolicy.IGNORE, service = {})
public class FactoryTcpServer extends TcpServerImpl {
    private final ServerService service;

    /**
     * Creates the server, applies its configuration, listens and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the instance properties given to {@code newInstance}
     */
    @Activate
    public FactoryTcpServer(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
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
