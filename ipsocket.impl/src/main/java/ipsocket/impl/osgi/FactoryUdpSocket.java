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

/**
 * UDP sockets created from code through the component factory
 * {@code ipsocket.UdpSocket.factory}: {@code ComponentFactory.newInstance(properties)} takes the same
 * keys as a configuration, {@code getInstance()} is the socket (also registered as a service),
 * and {@code dispose()} closes it gracefully.
 *
 * <p>Everything but its component description is {@link ConfiguredUdpSocket}'s: a component class
 * carries its own DS annotations, so this one only names the factory and hands over.
 */
@Component(name = SocketPids.UDP_SOCKET_COMPONENT_FACTORY, factory = SocketPids.UDP_SOCKET_COMPONENT_FACTORY,
        configurationPolicy = ConfigurationPolicy.IGNORE, service = {})
public class FactoryUdpSocket extends ConfiguredUdpSocket {
    /**
     * Creates the socket, applies the instance properties and registers it.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the instance properties given to {@code newInstance}
     */
    @Activate
    public FactoryUdpSocket(@Reference(name = "runtime") SocketRuntime runtime, BundleContext context,
            Map<String, Object> properties) {
        super(runtime, context, properties);
    }

    @Override
    @Modified
    void modified(Map<String, Object> properties) {
        super.modified(properties);
    }

    @Override
    @Deactivate
    void deactivate() {
        super.deactivate();
    }
}
