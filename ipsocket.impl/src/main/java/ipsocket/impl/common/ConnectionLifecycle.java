package ipsocket.impl.common;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.loop.ChannelHandler;
import ipsocket.impl.loop.Timer;

/**
 * The one connection state machine of every socket kind: HostLookup, Connecting, Connected,
 * Bound, Closing and Disconnected; autoConnect with backoff and jitter; the connect timeout;
 * error reporting; close, abort and disposal; live option changes and the reaction to a moved
 * endpoint. What differs between kinds is behind {@link Transport}.
 *
 * <p>Runs on the socket's loop thread only (the public entry points of the socket hop there).
 * Each connection attempt has an id; callbacks carrying an older id are ignored, so a listener
 * that aborts or reconnects from inside a signal is always safe.
 */
public final class ConnectionLifecycle implements ChannelHandler {
    /** A connection that lasted this many lower backoff bounds resets the backoff. */
    private static final int STABLE_CONNECTION_FACTOR = 10;

    private final AbstractIpSocket socket;
    private final Executor resolver;
    /** Failed attempts since the last lasting connection: how far the backoff has grown. */
    private int failedAttempts;
    private Transport transport;

    private long attemptId;
    private boolean attemptIsAutomatic;
    /** The peer properties the current attempt or connection uses (announcements lag behind setters). */
    private Object[] activePeer;
    private Timer connectTimer;
    private Timer retryTimer;
    private long connectedAtNanos;
    /** Entries into Connected since the socket was created: the reconnect count is one less. */
    private volatile long connections;
    private boolean userStopped;
    private boolean disposed;
    private boolean reconnectAfterClose;
    /** disconnectFromHost() came while connecting: close once connected (Qt's pendingClose). */
    private boolean closeWhenConnected;
    /** True while connectToHost(hostname, port) announces its own changes: it connects itself. */
    private boolean automaticStartSuppressed;

    ConnectionLifecycle(AbstractIpSocket socket, Executor resolver) {
        this.socket = socket;
        this.resolver = resolver;
    }

    void attach(Transport kind) {
        this.transport = kind;
    }

    /**
     * Returns how many connections were established after the first one.
     *
     * @return the reconnect count
     */
    public long reconnectCount() {
        return Math.max(0, connections - 1);
    }

    /**
     * Returns the handler a transport registers its channel with: readiness goes to the
     * transport, the loop's shutdown to the lifecycle.
     *
     * @return the handler
     */
    public ChannelHandler readinessHandler() {
        return this; // no handler object per socket: the lifecycle is the handler
    }

    /**
     * Returns the id of the current attempt or connection; it changes whenever the socket
     * gives up on one, so work that captured an older id knows to stop.
     *
     * @return the id
     */
    public long attempt() {
        return attemptId;
    }

    /**
     * Returns whether the socket is released for good.
     *
     * @return {@code true} after disposal
     */
    public boolean isDisposed() {
        return disposed;
    }

    // ---- connecting -----------------------------------------------------------------------

    /**
     * Starts a connection attempt: look up the host, then let the transport connect.
     *
     * @param explicit whether the user asked (connectToHost) rather than autoConnect
     */
    void connect(boolean explicit) {
        if (disposed) {
            return;
        }
        if (explicit) {
            userStopped = false;
            closeWhenConnected = false;
        }
        SocketState state = socket.status().state();
        if (!transport.canConnectFrom(state)) {
            boolean joinsAutomaticAttempt = attemptIsAutomatic
                    && (state == SocketState.HOST_LOOKUP || state == SocketState.CONNECTING);
            if (explicit && !joinsAutomaticAttempt) {
                socket.status().reportError(SocketError.OPERATION_ERROR, "connectToHost() on socket '"
                        + socket.getObjectId()
                        + "' to " + socket.endpoint() + " while it is " + state.seedName());
            }
            return;
        }
        cancelRetry();
        if (!checkEndpoint()) {
            return;
        }
        long id = ++attemptId;
        attemptIsAutomatic = !explicit;
        activePeer = socket.props().snapshot(transport.peerProperties());
        transport.prepareAttempt();
        connectTimer = socket.loop().schedule(socket.getConnectTimeout(), () -> onConnectTimeout(id));
        socket.status().changeState(SocketState.HOST_LOOKUP);
        if (id != attemptId) {
            return; // a listener aborted
        }
        lookUp(id);
    }

    /**
     * Announces property changes without letting them start a connection, then connects: the
     * shape of connectToHost(hostname, port).
     *
     * @param announce announces the stored changes
     */
    void connectAfter(Runnable announce) {
        automaticStartSuppressed = true;
        try {
            announce.run();
        } finally {
            automaticStartSuppressed = false;
        }
        connect(true);
    }

    /** Resolves the host: at once for an IP literal, on the resolver threads otherwise. */
    private void lookUp(long id) {
        String host = socket.getHostname();
        if (!HostResolver.needsLookup(host)) {
            try {
                onResolved(id, HostResolver.resolve(host, socket.getProtocol()), null);
            } catch (IOException e) {
                onResolved(id, null, e);
            }
            return;
        }
        ipsocket.api.NetworkProtocol protocol = socket.getProtocol();
        try {
            resolver.execute(() -> {
                List<InetAddress> addresses = null;
                Exception failure = null;
                try {
                    addresses = HostResolver.resolve(host, protocol);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                }
                List<InetAddress> result = addresses;
                Exception error = failure;
                socket.loop().execute(() -> onResolved(id, result, error));
            });
        } catch (RejectedExecutionException e) {
            onResolved(id, null, new IOException("the resolver is shut down", e));
        }
    }

    private void onResolved(long id, List<InetAddress> addresses, Exception failure) {
        if (id != attemptId || socket.status().state() != SocketState.HOST_LOOKUP) {
            return;
        }
        if (failure != null) {
            connectFailed(id, SocketError.HOST_NOT_FOUND_ERROR, "Host " + socket.getHostname()
                    + " not found for socket '" + socket.getObjectId() + "' (port " + socket.getPort() + "): "
                    + SocketErrors.reason(failure));
            return;
        }
        transport.connect(id, addresses);
    }

    /**
     * Enters Connecting for an attempt; called by the transport as it starts connecting.
     *
     * @param id the attempt's id
     * @return {@code false} if a listener gave up on the attempt meanwhile
     */
    public boolean enterConnecting(long id) {
        socket.status().changeState(SocketState.CONNECTING);
        return id == attemptId;
    }

    /**
     * Completes an attempt: Connected, then the connected signal.
     *
     * @param id the attempt's id
     * @param local the local end of the connection
     * @param peer the peer
     */
    public void connected(long id, InetSocketAddress local, InetSocketAddress peer) {
        cancelConnectTimer();
        socket.setEnds(local, peer);
        connectedAtNanos = System.nanoTime();
        connections++; // written on the loop thread only; volatile for the getter's callers
        socket.status().changeState(SocketState.CONNECTED);
        if (id == attemptId) {
            socket.listeners().fire(listener -> listener.connected(socket));
        }
        if (closeWhenConnected && id == attemptId) {
            closeWhenConnected = false;
            close(true); // what was written while connecting goes out first
        }
    }

    /**
     * Fails an attempt: rests, reports the error (in Qt's order: stateChanged, then
     * errorOccurred), and retries later if autoConnect says so.
     *
     * @param id the attempt's id; an old attempt's failure is ignored
     * @param error the error
     * @param text the description
     */
    public void connectFailed(long id, SocketError error, String text) {
        if (id != attemptId) {
            return;
        }
        closeWhenConnected = false;
        cancelAttempt();
        long dropped = transport.discardUnsent();
        socket.status().failInto(error, dropped == 0 ? text
                : text + "; " + dropped + " bytes written while connecting were dropped",
                transport.restingState());
        scheduleRetry();
    }

    private void onConnectTimeout(long id) {
        SocketState state = socket.status().state();
        if (id != attemptId || (state != SocketState.HOST_LOOKUP && state != SocketState.CONNECTING)) {
            return;
        }
        connectTimer = null;
        connectFailed(id, SocketError.SOCKET_TIMEOUT_ERROR, "Connecting socket '" + socket.getObjectId() + "' to "
                + socket.endpoint() + " timed out after " + socket.getConnectTimeout() + " ms"
                + (state == SocketState.HOST_LOOKUP ? " during host lookup" : ""));
    }

    private void cancelAttempt() {
        attemptId++;
        cancelConnectTimer();
        transport.cancelConnect();
    }

    private void cancelConnectTimer() {
        if (connectTimer != null) {
            connectTimer.cancel();
            connectTimer = null;
        }
    }

    /**
     * Checks hostname and port before connecting and reports what is wrong.
     *
     * @return {@code true} if both are usable
     */
    private boolean checkEndpoint() {
        if (socket.getHostname().isEmpty()) {
            socket.status().reportError(SocketError.EMPTY_HOST_NAME_ERROR, "Cannot connect socket '"
                    + socket.getObjectId()
                    + "': no hostname is set (port " + socket.getPort() + ")");
            return false;
        }
        int port = socket.getPort();
        if (port < 1 || port > 65535) {
            socket.status().reportError(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, "Cannot connect socket '"
                    + socket.getObjectId() + "' to " + socket.getHostname() + ": port " + port
                    + " is out of range 1 to 65535");
            return false;
        }
        return true;
    }

    private boolean endpointValid() {
        int port = socket.getPort();
        return !socket.getHostname().isEmpty() && port >= 1 && port <= 65535;
    }

    // ---- binding (kinds that can rest Bound) ------------------------------------------------

    /**
     * Opens and binds the channel without a peer.
     *
     * @param explicit whether the user asked (bind) rather than autoConnect
     * @return {@code true} if the socket is bound now
     */
    public boolean bind(boolean explicit) {
        if (disposed) {
            return false;
        }
        if (explicit) {
            userStopped = false;
        }
        if (socket.status().state() != SocketState.DISCONNECTED) {
            if (explicit) {
                socket.status().reportError(SocketError.OPERATION_ERROR, "bind() on socket '" + socket.getObjectId()
                        + "' while it is " + socket.status().state().seedName());
            }
            return false;
        }
        cancelRetry();
        try {
            transport.bind();
        } catch (IOException | RuntimeException e) {
            socket.status().reportError(SocketErrors.classify(e, false), "Cannot bind socket '" + socket.getObjectId()
                    + "' to " + localDescription() + ": " + SocketErrors.reason(e));
            scheduleRetry();
            return false;
        }
        socket.status().changeState(SocketState.BOUND);
        return transport.hasChannel();
    }

    /**
     * Returns the configured local end for messages: {@code address:port}, {@code *} for any.
     *
     * @return the text
     */
    public String localDescription() {
        String address = socket.props().get(SocketProperties.LOCAL_ADDRESS);
        return (address.isEmpty() ? "*" : address) + ":" + socket.props().get(SocketProperties.LOCAL_PORT);
    }

    // ---- automatic start and retry ------------------------------------------------------------

    private void autoStart() {
        if (disposed || userStopped || !socket.isAutoConnect() || automaticStartSuppressed) {
            return;
        }
        SocketState state = socket.status().state();
        if (endpointValid() && transport.canConnectFrom(state)) {
            connect(false);
        } else if (state == SocketState.DISCONNECTED && transport.wantsBinding()) {
            bind(false);
        }
    }

    private void scheduleRetry() {
        if (disposed || userStopped || !socket.isAutoConnect() || retryTimer != null
                || !transport.canConnectFrom(socket.status().state())) {
            return;
        }
        if (!endpointValid() && !transport.wantsBinding()) {
            return;
        }
        long delay = Backoff.delay(failedAttempts, socket.getReconnectMinInterval(), socket.getReconnectMaxInterval());
        failedAttempts = Math.min(failedAttempts + 1, Backoff.MAX_DOUBLINGS);
        retryTimer = socket.loop().schedule(delay, () -> {
            retryTimer = null;
            autoStart();
        });
    }

    private void cancelRetry() {
        if (retryTimer != null) {
            retryTimer.cancel();
            retryTimer = null;
        }
    }

    // ---- ending ---------------------------------------------------------------------------------

    /**
     * Closes: gracefully (Closing until accepted bytes are out) or at once; no reconnect until
     * the user connects again. A graceful close during HostLookup or Connecting waits for the
     * connection, as Qt's does: connected, what was written goes out, then Closing, Disconnected
     * and disconnected(); if the attempt fails instead, Disconnected with its error.
     *
     * @param graceful {@code false} for an abort
     */
    void close(boolean graceful) {
        userStopped = true;
        reconnectAfterClose = false;
        cancelRetry();
        SocketState state = socket.status().state();
        boolean connecting = state == SocketState.HOST_LOOKUP || state == SocketState.CONNECTING;
        if (graceful && connecting) {
            closeWhenConnected = true;
            return;
        }
        closeWhenConnected = false;
        if (!graceful || connecting) {
            cancelAttempt();
        }
        if (!transport.hasChannel()) {
            socket.status().changeState(SocketState.DISCONNECTED);
        } else if (!graceful) {
            finishClose();
        } else if (state != SocketState.CLOSING) {
            transport.closeGracefully();
        }
    }

    /** Aborts and releases the socket for good; call on the loop thread. */
    void dispose() {
        disposed = true;
    }

    /**
     * Ends a close: the channel goes, Disconnected, the disconnected signal; then a reconnect
     * if the endpoint moved meanwhile, or a retry if autoConnect says so.
     */
    public void finishClose() {
        closeChannel();
        socket.status().changeState(SocketState.DISCONNECTED);
        socket.listeners().fire(listener -> listener.disconnected(socket));
        if (reconnectAfterClose && !userStopped && !disposed) {
            reconnectAfterClose = false;
            connect(false);
        } else {
            scheduleRetry();
        }
    }

    /**
     * Ends a connection that failed: the channel goes, the error, Disconnected, the
     * disconnected signal, then a retry if autoConnect says so.
     *
     * @param error the error
     * @param text the description
     */
    public void connectionLost(SocketError error, String text) {
        closeChannel();
        socket.status().reportError(error, text);
        socket.status().changeState(SocketState.DISCONNECTED);
        socket.listeners().fire(listener -> listener.disconnected(socket));
        scheduleRetry();
    }

    private void closeChannel() {
        transport.closeChannel();
        socket.setEnds(null, null);
        if (connectedAtNanos != 0) {
            long lasted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAtNanos);
            if (lasted >= (long) STABLE_CONNECTION_FACTOR * socket.getReconnectMinInterval()) {
                failedAttempts = 0;
            }
            connectedAtNanos = 0;
        }
    }

    // ---- property changes -------------------------------------------------------------------

    /**
     * Reacts to properties that changed value: options on the live channel, the transport's own
     * reactions, then autoConnect and a moved endpoint.
     *
     * @param changed the properties whose value changed, in definition order
     */
    void propertiesChanged(Set<PropertyDef<?>> changed) {
        if (disposed) {
            return;
        }
        if (transport.hasChannel()) {
            for (PropertyDef<?> definition : changed) {
                if (transport.options().contains(definition)) {
                    try {
                        transport.applyOption(definition);
                    } catch (IOException | RuntimeException e) {
                        reportOptionProblem(definition, e);
                    }
                }
            }
        }
        transport.propertiesChanged(changed);
        if (changed.contains(SocketProperties.AUTO_CONNECT) && !socket.isAutoConnect()) {
            cancelRetry();
        }
        if (automaticStartSuppressed || userStopped || !socket.isAutoConnect()) {
            return;
        }
        if (transport.hasChannel() && transport.channelOutdated(changed)) {
            closeChannel();
            socket.status().changeState(SocketState.DISCONNECTED);
            autoStart();
            return;
        }
        SocketState state = socket.status().state();
        boolean resting = state == SocketState.DISCONNECTED || state == SocketState.BOUND;
        // Setters store at once and announce later: compare with what the attempt uses, so that
        // hostname and port set back to back start one attempt, not two.
        boolean peerMoved = transport.peerProperties().stream().anyMatch(changed::contains)
                && (resting || !Arrays.equals(socket.props().snapshot(transport.peerProperties()), activePeer));
        if (peerMoved) {
            switch (state) {
                case HOST_LOOKUP:
                case CONNECTING:
                    cancelAttempt();
                    socket.status().changeState(transport.restingState());
                    break;
                case CONNECTED:
                    if (!transport.leavePeer()) {
                        reconnectAfterClose = true;
                        transport.closeGracefully();
                        return;
                    }
                    socket.setEnds(socket.localEnd(), null);
                    socket.status().changeState(transport.restingState());
                    break;
                case CLOSING:
                    reconnectAfterClose = true;
                    return;
                default:
                    break;
            }
            cancelRetry();
            if (!resting && !endpointValid()) {
                checkEndpoint(); // the attempt given up on cannot restart: say why
                return;
            }
        }
        if (retryTimer == null && decidesStart(changed)) {
            autoStart();
        }
    }

    /**
     * Returns whether a change can start autoConnect: autoConnect itself, the peer, or the local
     * end (a datagram socket binds for it). Any other change (an interval, a timeout, an option)
     * starts nothing: setters store at once and announce later, so starting on any announcement
     * would start with values whose own announcement is still on its way, and a second start
     * would follow when it arrives.
     */
    private boolean decidesStart(Set<PropertyDef<?>> changed) {
        return changed.contains(SocketProperties.AUTO_CONNECT) || changed.contains(SocketProperties.LOCAL_ADDRESS)
                || changed.contains(SocketProperties.LOCAL_PORT) || changed.contains(SocketProperties.MULTICAST_GROUPS)
                || transport.peerProperties().stream().anyMatch(changed::contains);
    }

    /**
     * Reports an option the OS refused, naming key, value and socket.
     *
     * @param definition the option property
     * @param problem what the OS said
     */
    public void reportOptionProblem(PropertyDef<?> definition, Exception problem) {
        SocketError error = SocketErrors.classify(problem, transport.hasChannel()) == SocketError.SOCKET_ACCESS_ERROR
                ? SocketError.SOCKET_ACCESS_ERROR : SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR;
        String where = socket.getHostname().isEmpty() ? "local " + localDescription() : socket.endpoint();
        socket.status().reportError(error, "Cannot set " + definition.name() + "=" + socket.props().get(definition)
                + " on socket '"
                + socket.getObjectId() + "' (" + where + "): " + SocketErrors.reason(problem));
    }

    // ---- readiness of the socket's one channel ----------------------------------------------

    /**
     * Hands readiness of the socket's channel to the transport; called by the loop.
     *
     * @param readyKey the channel's key
     */
    @Override
    public void onReady(SelectionKey readyKey) {
        if (readyKey != transport.currentKey() || !readyKey.isValid()) {
            return; // a key of a channel closed meanwhile
        }
        if (readyKey.isReadable()) {
            transport.onReadable();
        }
        if (readyKey == transport.currentKey() && readyKey.isValid() && readyKey.isWritable()) {
            transport.onWritable();
        }
    }

    /** The loop is shutting down with the channel registered: the socket ends for good. */
    @Override
    public void onLoopShutdown() {
        disposed = true;
        cancelAttempt();
        cancelRetry();
        boolean wasOpen = transport.hasChannel();
        closeChannel();
        socket.status().changeState(SocketState.DISCONNECTED);
        if (wasOpen) {
            socket.listeners().fire(listener -> listener.disconnected(socket));
        }
    }
}
