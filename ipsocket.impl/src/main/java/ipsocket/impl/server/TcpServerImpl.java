package ipsocket.impl.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpServerListener;
import ipsocket.api.TcpSocket;
import ipsocket.impl.common.AcceptedValues;
import ipsocket.impl.common.CidrBlock;
import ipsocket.impl.common.IpLiterals;
import ipsocket.impl.common.PropertyDef;
import ipsocket.impl.common.PropertyValues;
import ipsocket.impl.common.SocketErrors;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.SocketSettings;
import ipsocket.impl.loop.EventLoop;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * A TCP server on the shared event loops: {@link TcpServer} with its settings, its listeners and
 * its open connections. The listening channel is its {@link Acceptor}'s, on the server's loop;
 * each accepted connection is a {@link TcpSocketImpl} on the next loop of the group (round-robin,
 * as client sockets are) that {@link TcpSocketImpl#adopt adopts} the channel and starts in
 * Connected with autoConnect off.
 *
 * <p>The server's state changes on its loop thread only; the public methods hop there and wait.
 * What {@link #close()} and {@link #dispose(long)} do to established connections is described in
 * {@link TcpServer}: close leaves them open unless {@code closeConnectionsOnClose} is set, dispose
 * closes them gracefully.
 */
public class TcpServerImpl implements TcpServer, Acceptor.Server {
    private static final System.Logger LOG = System.getLogger(TcpServerImpl.class.getName());
    /** How long a call from another thread waits for the loop to carry it out. */
    private static final long CALL_WAIT_MILLIS = 5_000;

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final String objectId;
    private final ServerListeners listeners = new ServerListeners(this);
    private final Acceptor acceptor;
    /**
     * Every connection accepted and not yet ended, mapped to whether newConnection announced it
     * (only those are listed); its size counts against maxConnections.
     */
    private final Map<TcpSocketImpl, Boolean> connections = new ConcurrentHashMap<>();
    /** The last accepted peer's address and its text ({@link #peerText}); loop thread. */
    private InetAddress lastPeer;
    private String lastPeerText;
    private final ConnectionWatch watch = new ConnectionWatch();
    private final Object endedLock = new Object();

    private volatile SocketSettings settings = SocketSettings.defaults(SocketProperties.TCP_SERVER);
    private volatile ConnectionObserver observer = ConnectionObserver.NONE;
    private volatile SocketError error = SocketError.NO_ERROR;
    private volatile String errorString = "";
    private volatile boolean disposed;
    // loop thread only:
    private List<CidrBlock> allowedPeers = List.of();
    /**
     * What every connection's values share, made once per configuration: the server's options,
     * no reconnecting, the server as parent; each connection adds its peer ({@link AcceptedValues}).
     */
    private PropertyValues connectionTemplate;

    /**
     * Creates a server that does not listen yet, on the next loop of a group.
     *
     * @param group the shared loops; accepted connections are spread over them
     * @param objectId the server's name
     */
    public TcpServerImpl(EventLoopGroup group, String objectId) {
        this.group = group;
        this.loop = group.next();
        this.objectId = objectId;
        this.acceptor = new Acceptor(loop, this);
        this.connectionTemplate = connectionTemplate(settings);
    }

    /**
     * Sets who watches the connections come and go; set it before listening.
     *
     * @param connectionObserver the observer
     */
    public final void setConnectionObserver(ConnectionObserver connectionObserver) {
        this.observer = connectionObserver;
    }

    /**
     * Returns the server's loop.
     *
     * @return the loop its listening channel and signals are on
     */
    public final EventLoop loop() {
        return loop;
    }

    // ---- settings -------------------------------------------------------------------------

    /**
     * Applies a whole configuration, already converted and checked: the limit and the peers at
     * once, options on every open connection, and a new local address, port or backlog by
     * listening anew (established connections stay).
     *
     * @param next settings of {@link SocketProperties#TCP_SERVER}
     * @throws IllegalArgumentException if the settings are not a server's
     */
    public final void applySettings(SocketSettings next) {
        if (!next.definitions().equals(SocketProperties.TCP_SERVER)) {
            throw new IllegalArgumentException("settings of another kind than a TCP server: " + next);
        }
        onLoop(() -> {
            SocketSettings previous = settings;
            settings = next;
            connectionTemplate = connectionTemplate(next);
            allowedPeers = CidrBlock.parseAll(next.get(SocketProperties.ALLOWED_PEERS));
            updateLimit();
            if (changed(previous, next, SocketProperties.SERVER_LOCAL_ADDRESS, SocketProperties.SERVER_LOCAL_PORT,
                    SocketProperties.MAX_PENDING_CONNECTIONS)) {
                acceptor.forgetAddress();
                if (acceptor.isOpen()) {
                    stopListening();
                    listenNow();
                }
            }
            if (!previous.equals(next)) {
                Map<String, Object> options = new java.util.LinkedHashMap<>();
                for (PropertyDef<?> option : SocketProperties.ACCEPTED_OPTIONS) {
                    options.put(option.name(), next.get(option));
                }
                for (TcpSocketImpl connection : connections.keySet()) {
                    connection.deserializeProperties(options); // signals and applies what changed, as a setter would
                }
            }
            return null;
        }, null);
    }

    private static boolean changed(SocketSettings previous, SocketSettings next, PropertyDef<?>... keys) {
        for (PropertyDef<?> key : keys) {
            if (!previous.get(key).equals(next.get(key))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The values every connection starts from, made once per configuration and shared by the
     * connections accepted under it (each adds its peer as its endpoint: {@link AcceptedValues});
     * never changed once made.
     */
    private PropertyValues connectionTemplate(SocketSettings server) {
        SocketSettings.Builder builder = SocketSettings.builder(SocketProperties.TCP);
        for (PropertyDef<?> option : SocketProperties.ACCEPTED_OPTIONS) {
            copy(builder, option, server);
        }
        return PropertyValues.of(builder.set(SocketProperties.AUTO_CONNECT, false).set(SocketProperties.PARENT, objectId).build());
    }

    private static <T> void copy(SocketSettings.Builder builder, PropertyDef<T> option, SocketSettings from) {
        builder.set(option, from.get(option));
    }

    // ---- the API --------------------------------------------------------------------------

    @Override
    public final String getObjectId() {
        return objectId;
    }

    @Override
    public String getLocalAddress() {
        InetSocketAddress bound = acceptor.bound();
        return bound != null ? bound.getAddress().getHostAddress() : configuredAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress bound = acceptor.bound();
        return bound != null ? bound.getPort() : settings.get(SocketProperties.SERVER_LOCAL_PORT);
    }

    private String configuredAddress() {
        String address = settings.get(SocketProperties.SERVER_LOCAL_ADDRESS);
        return address.isEmpty() ? SocketProperties.SERVER_LOCAL_ADDRESS.defaultValue() : address;
    }

    @Override
    public boolean isListening() {
        return acceptor.isListening();
    }

    @Override
    public int getMaxPendingConnections() {
        return settings.get(SocketProperties.MAX_PENDING_CONNECTIONS);
    }

    @Override
    public int getMaxConnections() {
        return settings.get(SocketProperties.MAX_CONNECTIONS);
    }

    /**
     * Returns the {@code allowedPeers} in force (not part of the API: consoles read it from the
     * service property).
     *
     * @return the CIDR blocks and addresses as configured; empty when every peer may connect
     */
    public final List<String> getAllowedPeers() {
        return settings.get(SocketProperties.ALLOWED_PEERS);
    }

    @Override
    public List<TcpSocket> getConnections() {
        List<TcpSocket> listed = new ArrayList<>(connections.size());
        connections.forEach((connection, announced) -> {
            if (announced) {
                listed.add(connection);
            }
        });
        return listed;
    }

    /**
     * Reports an error found outside the server (a bad configuration value) as its error and an
     * acceptError signal; queued on the loop thread.
     *
     * @param newError the error
     * @param text the description
     */
    public final void reportExternalError(SocketError newError, String text) {
        loop.execute(() -> fail(newError, text, null));
    }

    @Override
    public boolean listen() {
        return onLoop(this::listenNow, Boolean.FALSE);
    }

    @Override
    public void close() {
        onLoop(() -> {
            stopListening();
            if (settings.get(SocketProperties.CLOSE_CONNECTIONS_ON_CLOSE)) {
                connections.keySet().forEach(TcpServerImpl::disconnectOnItsLoop);
            }
            return null;
        }, null);
    }

    @Override
    public void pauseAccepting() {
        onLoop(() -> {
            acceptor.setPaused(true);
            return null;
        }, null);
    }

    @Override
    public void resumeAccepting() {
        onLoop(() -> {
            acceptor.setPaused(false);
            return null;
        }, null);
    }

    @Override
    public boolean isPaused() {
        return onLoop(acceptor::isPaused, Boolean.FALSE);
    }

    @Override
    public SocketError getError() {
        return error;
    }

    @Override
    public String getErrorString() {
        return errorString;
    }

    @Override
    public void addListener(TcpServerListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(TcpServerListener listener) {
        listeners.remove(listener);
    }

    /**
     * Stops listening and closes every connection gracefully, waiting up to {@code graceMillis}
     * for them to end; those still open then are aborted. The server is done for good. Call from
     * another thread than the loop's.
     *
     * @param graceMillis the longest wait for the connections
     * @return {@code true} if every connection closed gracefully in time
     */
    public final boolean dispose(long graceMillis) {
        onLoop(() -> {
            disposed = true;
            stopListening();
            return null;
        }, null);
        connections.keySet().forEach(TcpServerImpl::disconnectOnItsLoop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (endedLock) {
            long left;
            while (!connections.isEmpty() && (left = deadline - System.nanoTime()) > 0 && loop.isRunning()) {
                try {
                    endedLock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        boolean graceful = connections.isEmpty();
        connections.keySet().forEach(TcpSocketImpl::dispose);
        return graceful;
    }

    private static void disconnectOnItsLoop(TcpSocketImpl connection) {
        // No waiting for another loop from this one: each connection closes on its own thread.
        connection.loop().execute(connection::disconnectFromHost);
    }

    // ---- listening (loop thread) ----------------------------------------------------------

    private boolean listenNow() {
        if (disposed) {
            return false;
        }
        if (acceptor.isOpen()) {
            fail(SocketError.OPERATION_ERROR, "listen() on server '" + objectId + "': it listens already on "
                    + endpoint(), null);
            return false;
        }
        int port = settings.get(SocketProperties.SERVER_LOCAL_PORT);
        if (port < 0) {
            fail(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, "Server '" + objectId + "' cannot listen: no localPort"
                    + " is configured (0 lets the OS choose one)", null);
            return false;
        }
        String address = configuredAddress();
        try {
            InetAddress literal = IpLiterals.parse(address).orElseThrow(() -> new IOException(
                    "Cannot assign requested address: localAddress '" + address + "' is not an IP literal"));
            acceptor.open(new InetSocketAddress(literal, port), getMaxPendingConnections());
        } catch (IOException | RuntimeException e) {
            SocketError classified = SocketErrors.classify(e, false);
            fail(classified, SocketErrors.describe(classified) + ": server '" + objectId + "' cannot listen on "
                    + address + ":" + port + " (port " + port + "): " + SocketErrors.reason(e), null);
            return false;
        }
        updateLimit();
        listeners.fire(listener -> listener.listeningChanged(this, true));
        return true;
    }

    private void stopListening() {
        if (acceptor.isOpen()) {
            acceptor.close();
            listeners.fire(listener -> listener.listeningChanged(this, false));
        }
    }

    private String endpoint() {
        return getLocalAddress() + ":" + getLocalPort();
    }

    private void fail(SocketError newError, String text, InetSocketAddress peer) {
        error = newError;
        errorString = text;
        listeners.fire(listener -> {
            if (listener instanceof AcceptErrorListener) {
                ((AcceptErrorListener) listener).acceptError(this, newError, text, peer);
            } else {
                listener.acceptError(this, newError, text);
            }
        });
    }

    private void updateLimit() {
        acceptor.setAtLimit(connections.size() >= getMaxConnections());
    }

    // ---- accepting (loop thread, from the acceptor) ---------------------------------------

    @Override
    public void accepted(SocketChannel accepted) {
        InetSocketAddress peer;
        try {
            peer = (InetSocketAddress) accepted.getRemoteAddress();
        } catch (IOException e) {
            loop.close(null, accepted); // reset before we looked: nothing to serve
            return;
        }
        if (!allowed(peer.getAddress())) {
            loop.close(null, accepted);
            fail(SocketError.SOCKET_ACCESS_ERROR, "Server '" + objectId + "' (" + endpoint() + ") refused peer "
                    + peer.getAddress().getHostAddress() + ":" + peer.getPort() + ": not in allowedPeers "
                    + settings.get(SocketProperties.ALLOWED_PEERS), peer);
            return;
        }
        EventLoop target = group.next();
        TcpSocketImpl connection = new TcpSocketImpl(target, group.resolver(),
                new AcceptedValues(connectionTemplate, peerText(peer.getAddress()), peer.getPort()));
        connections.put(connection, Boolean.FALSE);
        updateLimit();
        observer.opening(connection);
        connection.addListener(watch);
        target.execute(() -> connection.adopt(accepted));
    }

    /**
     * The peer address as text, one String shared by the connections that come one after
     * another from one address (devices behind one NAT, a data logger reconnecting): each
     * connection keeps it as its hostname. Loop thread.
     */
    private String peerText(InetAddress address) {
        if (!address.equals(lastPeer)) {
            lastPeer = address;
            lastPeerText = address.getHostAddress();
        }
        return lastPeerText;
    }

    private boolean allowed(InetAddress peer) {
        if (allowedPeers.isEmpty()) {
            return true;
        }
        for (CidrBlock block : allowedPeers) {
            if (block.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void acceptFailed(IOException failure, long retryMillis) {
        SocketError classified = SocketErrors.classify(failure, false);
        String text = SocketErrors.describe(classified) + ": server '" + objectId + "' (" + endpoint()
                + ") cannot accept a connection: " + SocketErrors.reason(failure) + "; it keeps its "
                + connections.size() + " connections and retries in " + retryMillis + " ms (reported once until accepting works)";
        LOG.log(System.Logger.Level.WARNING, text);
        fail(classified, text, null);
    }

    @Override
    public void loopShutDown() {
        disposed = true;
        listeners.fire(listener -> listener.listeningChanged(this, false));
    }

    /**
     * A connection is Connected: listed, and announced, on the connection's loop thread before
     * any of its data is read, so a listener added in newConnection sees every readyRead.
     */
    private void announce(TcpSocketImpl connection) {
        if (!connection.isOpen() || connections.replace(connection, Boolean.TRUE) == null) {
            return; // ended before it was announced: its end follows
        }
        observer.connected(connection);
        listeners.fire(listener -> listener.newConnection(this, connection));
    }

    /** A connection ended: unlisted, its place free for the next client. */
    private void ended(TcpSocketImpl connection) {
        connection.removeListener(watch);
        connections.remove(connection);
        updateLimit();
        observer.closed(connection);
        synchronized (endedLock) {
            endedLock.notifyAll();
        }
    }

    /** Announces each connection and hands its end to the server's loop; one for all connections. */
    private final class ConnectionWatch implements SocketListener {
        @Override
        public void connected(IpSocket socket) {
            announce((TcpSocketImpl) socket);
        }

        @Override
        public void disconnected(IpSocket socket) {
            TcpSocketImpl connection = (TcpSocketImpl) socket;
            loop.execute(() -> ended(connection));
        }
    }

    // ---- calls from other threads ---------------------------------------------------------

    /**
     * Runs work on the loop thread and returns its result: at once on the loop thread, otherwise
     * queued and awaited (at most {@value #CALL_WAIT_MILLIS} ms, no longer than the loop runs).
     */
    private <T> T onLoop(Supplier<T> work, T ifNoAnswer) {
        if (loop.inLoop()) {
            return work.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        if (!loop.await(result, CALL_WAIT_MILLIS)) {
            return ifNoAnswer;
        }
        return result.join();
    }

    @Override
    public String toString() {
        return "TcpServerImpl[" + objectId + " " + endpoint() + (isListening() ? " listening" : "") + "]";
    }
}
