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
import ipsocket.impl.tls.SslSocketImpl;

/**
 * One TLS socket per factory configuration of {@code ipsocket.SslSocket}: live as soon as its
 * configuration arrives, registered as a service under its interfaces, reconfigured in place
 * on update and closed gracefully on delete.
 *
 * <p>{@link FactorySslSocket} (the component factory) extends it: the body is this class's, once.
 */
@Component(name = SocketPids.SSL_SOCKET, configurationPid = SocketPids.SSL_SOCKET,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = SslSocketConfiguration.class, factory = true)
public class ConfiguredSslSocket extends SslSocketImpl {
    private final SocketService service;

    /**
     * Creates the socket, applies its configuration and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the configuration
     */
    @Activate
    public ConfiguredSslSocket(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
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
