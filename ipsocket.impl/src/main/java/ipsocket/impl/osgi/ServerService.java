package ipsocket.impl.osgi;

import java.util.Dictionary;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpServerListener;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.server.TcpServerImpl;

/**
 * What every server component does with its server: read the configuration
 * ({@link ConfigurationReader} with the server's keys), apply it and report bad values, listen,
 * register the server as a service whose {@code localAddress} and {@code localPort} follow what it
 * listens on, give its connections events and services ({@link ConnectionServices}), and close it
 * with its connections when the component goes.
 */
final class ServerService extends ObjectIdClaim implements TcpServerListener {
    private final TcpServerImpl server;
    private final SocketRuntime runtime;
    private final ConnectionServices connections;
    private final Object propertiesLock = new Object();
    private volatile ServiceRegistration<?> registration;

    /**
     * Creates the support, applies the first configuration and listens; registers nothing yet.
     * When a live server already has the object id, this one waits instead (as a socket does): it
     * does not listen, is not registered, reports the clash naming both configurations
     * (ACCEPT_ERROR and a warning), and starts when the other goes away.
     *
     * @param server the server
     * @param runtime the shared runtime
     * @param context the implementation bundle's context
     * @param properties the component properties
     */
    ServerService(TcpServerImpl server, SocketRuntime runtime, BundleContext context, Map<String, Object> properties) {
        super(properties);
        this.server = server;
        this.runtime = runtime;
        Map<String, Object> connectionIdentity = new HashMap<>(identity());
        connectionIdentity.remove(Constants.SERVICE_PID); // the server's configuration, not the connection's
        this.connections = new ConnectionServices(runtime, context, Map.copyOf(connectionIdentity));
        server.setConnectionObserver(connections);
        server.addListener(this);
        // joins before it listens: LISTENING (or the clash) is published
        claim(() -> runtime.add(server, SocketEvents.SERVER_TOPIC_PREFIX, server.getObjectId(), this), "server", server.getObjectId(), properties);
    }

    @Override
    void reportWaiting(String text) {
        runtime.warn(text);
        server.reportExternalError(SocketError.OPERATION_ERROR, text);
    }

    @Override
    void doRegister(BundleContext context) {
        registration = context.registerService(TcpServer.class.getName(), server, serviceProperties());
        refreshServiceProperties(); // a change while registerService delivered REGISTERED found no field
    }

    /**
     * Applies a changed configuration: a new address, port or backlog listens anew, options reach
     * the open connections; a server that could not listen tries again.
     *
     * @param properties the new component properties
     */
    void modified(Map<String, Object> properties) {
        if (keptWhileWaiting(properties)) {
            return;
        }
        Object objectId = properties.get(SocketConfig.OBJECT_ID);
        if (objectId instanceof String && !((String) objectId).isBlank()
                && !((String) objectId).trim().equals(server.getObjectId())) {
            report(SocketError.OPERATION_ERROR, "objectId cannot change while the server lives (it stays '"
                    + server.getObjectId() + "'); delete and recreate the configuration");
        }
        applyKeys(properties);
        if (!server.isListening()) {
            listen();
        }
        refreshServiceProperties();
    }

    /** Unregisters the server, closes it and its connections gracefully, and leaves the runtime. */
    void close() {
        markClosed();
        ServiceRegistration<?> current = registration;
        registration = null;
        if (current != null) {
            try {
                current.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it while stopping the bundle
            }
        }
        server.dispose(SocketService.SHUTDOWN_GRACE_MILLIS); // its last events are still published
        connections.closeAll();
        server.removeListener(this);
        runtime.remove(server, SocketEvents.SERVER_TOPIC_PREFIX, server.getObjectId());
    }

    /** Applies the configuration of a live server and listens. */
    @Override
    void apply(Map<String, Object> properties) {
        applyKeys(properties);
        listen();
    }

    private void listen() {
        if (!server.listen()) {
            runtime.warn(server.getErrorString() + " (" + configurationName() + ")");
        }
    }

    private void applyKeys(Map<String, Object> properties) {
        ConfigurationReader.Reading reading = ConfigurationReader.read(SocketProperties.TCP_SERVER, properties);
        server.applySettings(reading.settings());
        SocketService.reportUnknownKeys(reading.unknownKeys(), SocketPids.TCP_SERVER, SocketProperties.TCP_SERVER,
                message -> {
                    String text = "Unknown key in " + configurationName() + " of server '" + server.getObjectId()
                            + "': " + message;
                    runtime.warn(text);
                    server.reportExternalError(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, text);
                });
        for (ConfigurationProblem problem : reading.problems()) {
            report(SocketService.errorFor(problem), problem.message());
        }
    }

    private void report(SocketError error, String message) {
        String text = "Bad value in " + configurationName() + " of server '" + server.getObjectId() + "': " + message;
        runtime.warn(text);
        server.reportExternalError(error, text);
    }

    @Override
    public void listeningChanged(TcpServer changed, boolean listening) {
        // Off the loop thread: the framework calls service listeners synchronously.
        try {
            runtime.loops().resolver().execute(this::refreshServiceProperties);
        } catch (RejectedExecutionException stopping) {
            // the runtime is stopping: the registration goes too
        }
    }

    private void refreshServiceProperties() {
        synchronized (propertiesLock) {
            ServiceRegistration<?> current = registration;
            if (current == null) {
                return;
            }
            Dictionary<String, Object> next = serviceProperties();
            boolean same = true;
            for (String key : new String[] {SocketConfig.LOCAL_PORT, SocketConfig.LOCAL_ADDRESS, SocketConfig.ALLOWED_PEERS}) {
                same &= java.util.Objects.deepEquals(next.get(key), current.getReference().getProperty(key));
            }
            if (!same) { // no MODIFIED event for nothing
                try {
                    current.setProperties(next);
                } catch (IllegalStateException unregistered) {
                    // deleted meanwhile
                }
            }
        }
    }

    private Dictionary<String, Object> serviceProperties() {
        Dictionary<String, Object> properties = identity();
        properties.put(SocketConfig.OBJECT_ID, server.getObjectId());
        properties.put(SocketConfig.LOCAL_ADDRESS, server.getLocalAddress());
        properties.put(SocketConfig.LOCAL_PORT, server.getLocalPort());
        // for consoles (ipsocket:info): who may connect, as applied; empty when everyone may
        properties.put(SocketConfig.ALLOWED_PEERS, server.getAllowedPeers().toArray(new String[0]));
        return properties;
    }
}
