package ipsocket.impl.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.impl.server.ConnectionObserver;
import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * Gives every connection of one server what a configured socket has: it joins the runtime (its
 * events are published with {@code parent}, inbound WRITE finds it by objectId) before it is
 * Connected, and once Connected it is registered as a TcpSocket service (properties {@code objectId},
 * {@code parent}, {@code hostname}, {@code port} and the server's {@code service.factoryPid} and
 * {@code component.name}; no {@code service.pid}: a connection has no configuration of its own)
 * while it is open.
 *
 * <p>The framework calls service listeners synchronously, so registering and unregistering run
 * off the loop thread, in order per connection: a connection that ends before its registration
 * ran is never registered.
 */
final class ConnectionServices implements ConnectionObserver {
    private final SocketRuntime runtime;
    private final BundleContext context;
    private final Map<String, Object> identity;
    private final Map<TcpSocketImpl, Registration> registrations = new ConcurrentHashMap<>();

    /**
     * Creates the services of one server's connections.
     *
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param identity the server's {@code service.factoryPid} and {@code component.name}
     */
    ConnectionServices(SocketRuntime runtime, BundleContext context, Map<String, Object> identity) {
        this.runtime = runtime;
        this.context = context;
        this.identity = identity;
    }

    @Override
    public void opening(TcpSocketImpl connection) {
        runtime.add(connection, SocketEvents.TCP_TOPIC_PREFIX, connection.getObjectId(), null);
        registrations.put(connection, new Registration(connection));
    }

    @Override
    public void connected(TcpSocketImpl connection) {
        Registration registration = registrations.get(connection);
        if (registration != null) {
            offLoop(registration::register); // once open: a service is never a connection still being taken over
        }
    }

    @Override
    public void closed(TcpSocketImpl connection) {
        Registration registration = registrations.remove(connection);
        if (registration != null) {
            offLoop(registration::unregister);
        }
        runtime.remove(connection, SocketEvents.TCP_TOPIC_PREFIX, connection.getObjectId());
    }

    /** Unregisters what is still registered, at once: the server is gone. */
    void closeAll() {
        for (TcpSocketImpl connection : registrations.keySet()) {
            Registration registration = registrations.remove(connection);
            if (registration != null) {
                registration.unregister();
                runtime.remove(connection, SocketEvents.TCP_TOPIC_PREFIX, connection.getObjectId());
            }
        }
    }

    private void offLoop(Runnable work) {
        try {
            runtime.loops().resolver().execute(work);
        } catch (RejectedExecutionException stopping) {
            work.run(); // the runtime is stopping: do it here rather than leave a service behind
        }
    }

    /** The service of one connection; its two steps may run on two pool threads, hence the lock. */
    private final class Registration {
        private final TcpSocketImpl connection;
        private ServiceRegistration<?> registered;
        private boolean ended;

        Registration(TcpSocketImpl connection) {
            this.connection = connection;
        }

        synchronized void register() {
            if (ended) {
                return;
            }
            Dictionary<String, Object> properties = new Hashtable<>(identity);
            properties.put(SocketConfig.OBJECT_ID, connection.getObjectId());
            properties.put(SocketConfig.PARENT, connection.getParent());
            properties.put(SocketConfig.HOSTNAME, connection.getHostname());
            properties.put(SocketConfig.PORT, connection.getPort());
            try {
                registered = context.registerService(SocketService.Kind.TCP.interfaces, connection, properties);
            } catch (IllegalStateException stopping) {
                // the bundle is stopping: nothing to register with
            }
        }

        synchronized void unregister() {
            ended = true;
            if (registered != null) {
                try {
                    registered.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the framework unregistered it while stopping the bundle
                }
                registered = null;
            }
        }
    }
}
