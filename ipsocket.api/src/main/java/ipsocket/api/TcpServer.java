package ipsocket.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A TCP server that accepts connections, after InCore's {@code TcpServer} and Qt's
 * {@code QTcpServer}; not an {@link IoDevice}: it moves no bytes itself, each accepted
 * connection is a {@link TcpSocket}.
 *
 * <p>An accepted connection is a {@link TcpSocket} in state {@link SocketState#CONNECTED} with
 * autoConnect off, object id {@code <server objectId>/<peer address>:<peer port>} and
 * {@link IoDevice#getParent() parent} the server's object id; its hostname and port are the
 * peer's. It carries the TcpSocket options of the server's configuration (the option keys listed
 * in {@link SocketConfig} that apply to a connection). It is listed by {@link #getConnections()}
 * from the moment {@link TcpServerListener#newConnection} is called until it is
 * {@link SocketState#DISCONNECTED}; then it is gone for good (an accepted connection never
 * reconnects).
 *
 * <p>Safe by default: configured through ConfigAdmin ({@link SocketPids#TCP_SERVER}) a server
 * listens on {@code 127.0.0.1} unless {@link SocketConfig#LOCAL_ADDRESS} says otherwise, accepts
 * at most {@link #getMaxConnections()} connections at once (at the limit it stops accepting, and
 * further clients wait in the listen backlog until a connection ends), and closes peers outside
 * {@link SocketConfig#ALLOWED_PEERS} at once, reporting each by
 * {@link TcpServerListener#acceptError}. When accepting fails for lack of file descriptors, the
 * server reports it once, stops accepting for a moment and retries on a timer, never spinning on
 * a pending connection it cannot take.
 *
 * <p>{@link #close()} stops listening and, by default, leaves established connections alone: a
 * device's session is not cut because the operator stops taking new ones (as Qt's
 * {@code QTcpServer::close()} and InCore's server do). The configuration key
 * {@link SocketConfig#CLOSE_CONNECTIONS_ON_CLOSE} makes close also disconnect every connection
 * gracefully. A server that is removed altogether (its configuration deleted, its component
 * disposed, the bundle stopped) closes its connections gracefully, because nothing would own them
 * any more.
 *
 * <p>Methods may be called from any thread; those that change the server wait until its event
 * loop has carried them out. Listeners are called on an event-loop thread
 * (see {@link TcpServerListener}).
 */
@ProviderType
public interface TcpServer {

    /**
     * Returns the server's name (InCore {@code Object.objectId}).
     *
     * @return the object id
     */
    String getObjectId();

    /**
     * Returns the local address the server listens on (or listened on, as for
     * {@link #getLocalPort()}), or is configured to listen on.
     *
     * @return an IP literal such as {@code 127.0.0.1}
     */
    String getLocalAddress();

    /**
     * Returns the port the server listens on: the port the operating system chose when the
     * configuration says 0; after {@link #close()} the port it listened on (until the configured
     * address or port changes); the configured port if it never listened.
     *
     * @return the port
     */
    int getLocalPort();

    /**
     * Returns whether the server listens (also while accepting is paused or at its limit).
     *
     * @return {@code true} while the listening socket is open
     */
    boolean isListening();

    /**
     * Returns the listen backlog: how many connections the operating system queues for the
     * server until it accepts them.
     *
     * @return the backlog
     */
    int getMaxPendingConnections();

    /**
     * Returns the most connections open at once; at the limit the server stops accepting until
     * one ends.
     *
     * @return the limit
     */
    int getMaxConnections();

    /**
     * Returns the open accepted connections.
     *
     * @return a snapshot, in no particular order
     */
    List<TcpSocket> getConnections();

    /**
     * Starts listening on the configured local address and port.
     *
     * @return {@code true} if the server listens now; {@code false} with {@link #getError()}
     *         and {@link #getErrorString()} set (for example {@link SocketError#ADDRESS_IN_USE_ERROR}
     *         naming the port) and {@link TcpServerListener#acceptError} called
     */
    boolean listen();

    /**
     * Stops listening. Established connections stay open unless
     * {@link SocketConfig#CLOSE_CONNECTIONS_ON_CLOSE} is set, in which case each is disconnected
     * gracefully.
     */
    void close();

    /**
     * Stops accepting: new clients wait in the listen backlog (and are refused by the operating
     * system once it is full) until {@link #resumeAccepting()}.
     */
    void pauseAccepting();

    /** Accepts again after {@link #pauseAccepting()}. */
    void resumeAccepting();

    /**
     * Returns whether accepting is paused by {@link #pauseAccepting()}.
     *
     * @return {@code true} while paused
     */
    boolean isPaused();

    /**
     * Returns the last error of the server itself (listening, accepting).
     *
     * @return the error, {@link SocketError#NO_ERROR} if none occurred
     */
    SocketError getError();

    /**
     * Returns the description of the last error.
     *
     * @return the text naming the cause, empty if no error occurred
     */
    String getErrorString();

    /**
     * Adds a listener; it is called on the server's event-loop thread.
     *
     * @param listener the listener
     */
    void addListener(TcpServerListener listener);

    /**
     * Removes a listener.
     *
     * @param listener the listener
     */
    void removeListener(TcpServerListener listener);
}
