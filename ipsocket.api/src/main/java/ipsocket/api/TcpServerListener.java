package ipsocket.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the signals of a {@link TcpServer}, each with an empty default.
 *
 * <p>Callbacks run on an event-loop thread and must not block: {@link #newConnection} on the
 * connection's, the others on the server's, each in the order its signals happened. An exception thrown by a callback is logged and does not affect the server.
 */
@ConsumerType
public interface TcpServerListener {

    /**
     * Called when a connection was accepted (InCore {@code connectionAccepted}), once it is
     * {@link SocketState#CONNECTED}: on the connection's event-loop thread, before any of its data
     * is read, so a {@link SocketListener} added here sees every {@code readyRead}. The socket may
     * be used at once.
     *
     * @param server the server
     * @param socket the accepted connection
     */
    default void newConnection(TcpServer server, TcpSocket socket) {
    }

    /**
     * Called when listening or accepting failed (InCore {@code acceptError} and
     * {@code listenError}): the address in use, descriptors exhausted (reported once until
     * accepting works again), a peer refused by {@link SocketConfig#ALLOWED_PEERS}.
     *
     * @param server the server
     * @param error the error
     * @param errorString a description naming the cause (the port, the peer)
     */
    default void acceptError(TcpServer server, SocketError error, String errorString) {
    }

    /**
     * Called when the server starts or stops listening.
     *
     * @param server the server
     * @param listening whether it listens now
     */
    default void listeningChanged(TcpServer server, boolean listening) {
    }
}
