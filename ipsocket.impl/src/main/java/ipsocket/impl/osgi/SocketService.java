package ipsocket.impl.osgi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import ipsocket.api.IoDevice;
import ipsocket.api.IpSocket;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketPids;
import ipsocket.api.SslSocket;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.Texts;

/**
 * What every socket component does with its socket: read the configuration
 * ({@link ConfigurationReader}), apply the settings and report bad values, register the socket
 * as a service with current properties, and close it gracefully.
 */
final class SocketService extends ObjectIdClaim {
    /** Longest wait for pending bytes when a socket is deleted or the bundle stops. */
    static final long SHUTDOWN_GRACE_MILLIS = 2_000;

    /** Most unknown keys of one configuration reported one by one; the rest are counted in one line. */
    static final int MAX_UNKNOWN_KEYS_REPORTED = 20;

    /** Which kind of socket: the service interfaces, the event topic prefix, the properties and the PID. */
    enum Kind {
        TCP(TcpSocket.class.getName(), SocketEvents.TCP_TOPIC_PREFIX, SocketProperties.TCP, SocketPids.TCP_SOCKET),
        UDP(UdpSocket.class.getName(), SocketEvents.UDP_TOPIC_PREFIX, SocketProperties.UDP, SocketPids.UDP_SOCKET),
        SSL(SslSocket.class.getName(), SocketEvents.SSL_TOPIC_PREFIX, SocketProperties.SSL, SocketPids.SSL_SOCKET,
                TcpSocket.class.getName());

        final String[] interfaces;
        final String topicPrefix;
        final List<PropertyDef<?>> definitions;
        final String pid;

        Kind(String mainInterface, String topicPrefix, List<PropertyDef<?>> definitions, String pid,
                String... moreInterfaces) {
            List<String> all = new java.util.ArrayList<>(List.of(mainInterface));
            all.addAll(List.of(moreInterfaces));
            all.add(IpSocket.class.getName());
            all.add(IoDevice.class.getName());
            this.interfaces = all.toArray(new String[0]);
            this.topicPrefix = topicPrefix;
            this.definitions = definitions;
            this.pid = pid;
        }
    }

    private static final VarHandle REFRESH_PENDING;

    static {
        try {
            REFRESH_PENDING = MethodHandles.lookup().findVarHandle(SocketService.class, "refreshPending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // A gateway holds thousands of these: no lock objects, atomics or copies of what the
    // component properties hold (issue 15; the identity and the configuration's name are ObjectIdClaim's).
    private final AbstractIpSocket socket;
    private final Kind kind;
    private final SocketRuntime runtime;
    /** Watches the endpoint; its monitor serializes the updates of the service properties. */
    private final EndpointWatch endpointWatch = new EndpointWatch();
    private volatile ServiceRegistration<?> registration;
    /** Set while an update of the service properties is waiting to run (CAS through {@link #REFRESH_PENDING}). */
    private volatile boolean refreshPending;

    /**
     * Creates the support and applies the first configuration; registers nothing yet. When a live
     * socket of the kind already has the object id, this one waits instead: it applies nothing,
     * is not registered, reports the clash naming both configurations, and starts when the other
     * goes away.
     *
     * @param socket the socket
     * @param kind TCP or UDP
     * @param runtime the shared runtime
     * @param properties the component properties
     */
    SocketService(AbstractIpSocket socket, Kind kind, SocketRuntime runtime, Map<String, Object> properties) {
        super(properties);
        this.socket = socket;
        this.kind = kind;
        this.runtime = runtime;
        socket.addListener(endpointWatch);
        claim(() -> runtime.add(socket, kind.topicPrefix, socket.getObjectId(), this), "socket", socket.getObjectId(), properties);
    }

    @Override
    void reportWaiting(String text) {
        runtime.warn(text);
        socket.reportExternalError(SocketError.OPERATION_ERROR, text);
    }

    /**
     * Returns the object id a configuration names: its {@code objectId}, else its PID, else the
     * component name and id (component factory instances).
     *
     * @param properties the component properties
     * @return the object id
     */
    static String objectIdOf(Map<String, Object> properties) {
        Object objectId = properties.get(SocketConfig.OBJECT_ID);
        if (objectId instanceof String && !((String) objectId).isBlank()) {
            return ((String) objectId).trim();
        }
        Object pid = properties.get(Constants.SERVICE_PID);
        if (pid instanceof String) {
            return (String) pid;
        }
        return properties.get("component.name") + "-" + properties.get("component.id");
    }

    @Override
    void doRegister(BundleContext context) {
        registration = context.registerService(kind.interfaces, socket, serviceProperties());
        // The service is visible (and usable) while registerService still delivers REGISTERED
        // to listeners, before the field above is set: a change made in that window found no
        // registration to update. Catch up now.
        refreshServiceProperties();
    }

    /**
     * Applies a changed configuration live and updates the service properties; a waiting socket
     * only keeps it for when it starts.
     *
     * @param properties the new component properties
     */
    void modified(Map<String, Object> properties) {
        if (keptWhileWaiting(properties)) {
            return;
        }
        Object objectId = properties.get(SocketConfig.OBJECT_ID);
        if (objectId instanceof String && !((String) objectId).isBlank()
                && !((String) objectId).trim().equals(socket.getObjectId())) {
            socket.reportExternalError(SocketError.OPERATION_ERROR, problemText("objectId cannot change while the"
                    + " socket lives (it stays '" + socket.getObjectId() + "'); delete and recreate the configuration"));
        }
        apply(properties);
        refreshServiceProperties();
    }

    /** Unregisters the socket and closes it gracefully, waiting a bounded time for pending bytes. */
    void close() {
        markClosed();
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it while stopping the bundle
            }
            registration = null;
        }
        socket.disposeGracefully(SHUTDOWN_GRACE_MILLIS); // its last events are still published
        runtime.remove(socket, kind.topicPrefix, socket.getObjectId());
    }

    @Override
    void apply(Map<String, Object> properties) {
        Object objectId = properties.get(SocketConfig.OBJECT_ID);
        if (objectId != null && !(objectId instanceof String)) {
            report(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, "objectId " + objectId + " is a "
                    + objectId.getClass().getSimpleName() + ", not text: the socket is named '"
                    + socket.getObjectId() + "'");
        }
        ConfigurationReader.Reading reading = ConfigurationReader.read(kind.definitions, properties);
        socket.applySettings(reading.settings());
        reportUnknownKeys(reading.unknownKeys());
        boolean endpointReported = false;
        for (ConfigurationProblem problem : reading.problems()) {
            report(errorFor(problem), problem.message());
            endpointReported |= problem.key().equals(SocketConfig.HOSTNAME) || problem.key().equals(SocketConfig.PORT);
        }
        if (!endpointReported) {
            checkEndpoint();
        }
    }

    /**
     * Reports each unknown key (up to {@value #MAX_UNKNOWN_KEYS_REPORTED}, then how many more) as a
     * warning and an error event naming the key, never its value; the configuration still applies.
     */
    private void reportUnknownKeys(List<String> unknownKeys) {
        reportUnknownKeys(unknownKeys, kind.pid, kind.definitions, this::unknownKey);
    }

    /**
     * Reports unknown keys of a configuration of {@code pid}, each as one message naming the key
     * (up to {@value #MAX_UNKNOWN_KEYS_REPORTED}, then how many more), never its value.
     *
     * @param unknownKeys the keys
     * @param pid the factory PID
     * @param definitions the keys the PID has, for suggestions
     * @param report where each message goes
     */
    static void reportUnknownKeys(List<String> unknownKeys, String pid, List<PropertyDef<?>> definitions,
            java.util.function.Consumer<String> report) {
        int shown = Math.min(unknownKeys.size(), MAX_UNKNOWN_KEYS_REPORTED);
        for (int i = 0; i < shown; i++) {
            String key = unknownKeys.get(i);
            report.accept("'" + Texts.abbreviate(key) + "' is no key of " + pid + ", its value is ignored"
                    + UnknownKeys.suggestion(key, definitions));
        }
        if (unknownKeys.size() > shown) {
            report.accept((unknownKeys.size() - shown) + " more keys are no keys of " + pid + ", their values"
                    + " are ignored");
        }
    }

    private void unknownKey(String message) {
        String text = "Unknown key in " + configurationName() + " of socket '" + socket.getObjectId() + "': " + message;
        runtime.warn(text);
        socket.reportExternalError(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, text);
    }

    /** Reports a missing or bad endpoint once, when the configuration is applied. */
    private void checkEndpoint() {
        String hostname = socket.getHostname();
        int port = socket.getPort();
        boolean portSet = port != -1;
        boolean needsEndpoint = kind != Kind.UDP || !hostname.isEmpty() || portSet;
        if (!needsEndpoint) {
            return;
        }
        if (hostname.isEmpty()) {
            report(SocketError.EMPTY_HOST_NAME_ERROR, "hostname is empty or missing");
        } else if (port < 1 || port > 65535) {
            report(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, "port " + port + " is out of range 1 to 65535");
        }
    }

    private void report(SocketError error, String message) {
        String text = problemText(message);
        runtime.warn(text);
        socket.reportExternalError(error, text);
    }

    private String problemText(String message) {
        return "Bad value in " + configurationName() + " of socket '" + socket.getObjectId() + "': " + message;
    }

    /** The error value a bad configuration value stands for. */
    static SocketError errorFor(ConfigurationProblem problem) {
        switch (problem.key()) {
            case SocketConfig.HOSTNAME:
                // text that can name no host (too long) is not found; anything else is no hostname
                return problem.value() instanceof String && !((String) problem.value()).isBlank()
                        ? SocketError.HOST_NOT_FOUND_ERROR : SocketError.EMPTY_HOST_NAME_ERROR;
            case SocketConfig.PORT:
                return SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR;
            case SocketConfig.LOCAL_ADDRESS:
            case SocketConfig.LOCAL_PORT:
            case SocketConfig.MULTICAST_GROUPS:
            case SocketConfig.MULTICAST_INTERFACE:
                return SocketError.SOCKET_ADDRESS_NOT_AVAILABLE_ERROR;
            default:
                return SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR;
        }
    }

    /**
     * Keeps the service properties {@code hostname} and {@code port} current when they change
     * through the API (setters, {@code fromJson}) rather than the configuration, so that a
     * filter such as {@code (hostname=plc1.local)} never matches stale values.
     */
    private final class EndpointWatch implements SocketListener {
        @Override
        public void propertyChanged(IpSocket changed, String name, Object oldValue, Object newValue) {
            if ((name.equals(SocketConfig.HOSTNAME) || name.equals(SocketConfig.PORT))
                    && REFRESH_PENDING.compareAndSet(SocketService.this, false, true)) {
                // Off the loop thread: the framework calls service listeners synchronously, and
                // they may block. The task reads the values when it runs, so the last one wins.
                try {
                    runtime.loops().resolver().execute(SocketService.this::refreshServiceProperties);
                } catch (RejectedExecutionException stopping) {
                    refreshPending = false; // the runtime is stopping: the registration goes too
                }
            }
        }
    }

    private void refreshServiceProperties() {
        // One update at a time, each reading the values when it runs: two updates on two pool
        // threads must not overtake each other and leave the older values registered.
        synchronized (endpointWatch) {
            refreshPending = false;
            ServiceRegistration<?> current = registration;
            if (current != null) {
                try {
                    Dictionary<String, Object> next = serviceProperties();
                    if (!registeredAlready(current, next)) {
                        current.setProperties(next);
                    }
                } catch (IllegalStateException unregistered) {
                    // deleted meanwhile
                }
            }
        }
    }

    /** Whether the registration already carries these values (no MODIFIED event for nothing). */
    private static boolean registeredAlready(ServiceRegistration<?> registration, Dictionary<String, Object> next) {
        ServiceReference<?> reference = registration.getReference();
        for (String key : List.of(SocketConfig.OBJECT_ID, SocketConfig.HOSTNAME, SocketConfig.PORT)) {
            if (!java.util.Objects.equals(reference.getProperty(key), next.get(key))) {
                return false;
            }
        }
        return true;
    }

    private Dictionary<String, Object> serviceProperties() {
        Dictionary<String, Object> properties = identity();
        properties.put(SocketConfig.OBJECT_ID, socket.getObjectId());
        properties.put(SocketConfig.HOSTNAME, socket.getHostname());
        properties.put(SocketConfig.PORT, socket.getPort());
        return properties;
    }
}
