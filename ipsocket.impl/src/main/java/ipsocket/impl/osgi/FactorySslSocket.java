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
import ipsocket.impl.tls.SslSocketImpl;

/**
 * TLS sockets created from code through the component factory
 * {@code ipsocket.SslSocket.factory}: {@code ComponentFactory.newInstance(properties)} takes the same
 * keys as a configuration, {@code getInstance()} is the socket (also registered as a service),
 * and {@code dispose()} closes it gracefully.
 */
@Component(name = SocketPids.SSL_SOCKET_COMPONENT_FACTORY, factory = SocketPids.SSL_SOCKET_COMPONENT_FACTORY,
        configurationPolicy = ConfigurationPolicy.IGNORE, service = {})
public class FactorySslSocket extends SslSocketImpl {
    private final SocketService service;

    /**
     * Creates the socket, applies the instance properties and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the instance properties given to {@code newInstance}
     */
    @Activate
    public FactorySslSocket(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
            Map<String, Object> properties) {
        super(runtime.loops(), SocketService.objectIdOf(properties));
        TlsSecrets.apply(this, properties); // before the first connect, which the service may start
        this.service = new SocketService(this, SocketService.Kind.SSL, runtime, properties);
        service.register(context);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        TlsSecrets.apply(this, properties);
        service.modified(properties);
    }

    @Deactivate
    void deactivate() {
        service.close();
    }
}
