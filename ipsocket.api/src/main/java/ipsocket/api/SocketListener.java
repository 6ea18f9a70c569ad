package ipsocket.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the signals of a socket: one method per InCore signal, each with an empty default
 * so that an implementation overrides only what it needs.
 *
 * <p>Callbacks run on the socket's event-loop thread, in the order the signals happened, and
 * must not block: a slow callback delays every socket on the same loop. A callback may call any
 * method of the socket, for example {@link IoDevice#readAll()} in {@link #readyRead}. An
 * exception thrown by a callback is logged and does not affect the socket or other listeners.
 */
@ConsumerType
public interface SocketListener {

    /**
     * Called when a connection has been established (InCore {@code connected()}), after the
     * state changed to {@link SocketState#CONNECTED}.
     *
     * @param socket the socket
     */
    default void connected(IpSocket socket) {
    }

    /**
     * Called when a connection has ended (InCore {@code disconnected()}), after the state
     * changed to {@link SocketState#DISCONNECTED}.
     *
     * @param socket the socket
     */
    default void disconnected(IpSocket socket) {
    }

    /**
     * Called on every occurrence of an error (InCore {@code errorOccurred()}), also when the
     * same error occurs again.
     *
     * @param socket the socket
     * @param error the error that occurred
     * @param errorString a human-readable description naming the cause
     */
    default void errorOccurred(IpSocket socket, SocketError error, String errorString) {
    }

    /**
     * Called once when new data has arrived and is available for reading (InCore
     * {@code readyRead()}); not called again until more data arrives.
     *
     * @param socket the socket
     */
    default void readyRead(IpSocket socket) {
    }

    /**
     * Called once when a complete line has become available for reading (InCore
     * {@code lineAvailableForRead()}); not called again until more data arrives.
     *
     * @param socket the socket
     */
    default void lineAvailableForRead(IpSocket socket) {
    }

    /**
     * Called on every change of the socket's state (InCore {@code stateChanged()}).
     *
     * @param socket the socket
     * @param state the new state
     */
    default void stateChanged(IpSocket socket, SocketState state) {
    }

    /**
     * Called when a UDP socket has received a datagram and stored it as its current datagram
     * (InCore {@code datagramReceived()}); called for every arrival, also when the full receive
     * queue drops its oldest unread datagrams to keep this one (the newest are kept).
     *
     * @param socket the UDP socket
     * @param datagram the datagram, the same as {@link UdpSocket#getCurrentDatagram()} at that
     *        moment
     */
    default void datagramReceived(UdpSocket socket, UdpDatagram datagram) {
    }

    /**
     * Called when a property changed value (the InCore {@code ...Changed()} signals, for
     * example {@code hostnameChanged()} or {@code errorChanged()}).
     *
     * @param socket the socket
     * @param name the property name, as the configuration keys of {@link SocketConfig} or
     *        {@code error}, {@code errorString}, {@code state}, {@code currentDatagram}
     * @param oldValue the previous value, may be {@code null}
     * @param newValue the new value, may be {@code null}
     */
    default void propertyChanged(IpSocket socket, String name, Object oldValue, Object newValue) {
        propertyChanged(name, oldValue, newValue);
    }

    /**
     * The same signal in the shape {@code CONTRACT.md} names, for a listener that watches one
     * socket and needs no socket argument: the default
     * {@link #propertyChanged(IpSocket, String, Object, Object)} calls this. Override one of the
     * two, not both.
     *
     * @param name the property name
     * @param oldValue the previous value, may be {@code null}
     * @param newValue the new value, may be {@code null}
     */
    default void propertyChanged(String name, Object oldValue, Object newValue) {
    }

    /**
     * Called when buffered bytes have been handed to the operating system (Qt's
     * {@code bytesWritten()}); a writer whose {@code write()} accepted fewer bytes than offered
     * can write the rest from here.
     *
     * @param socket the socket
     * @param bytes the number of bytes just sent
     */
    default void bytesWritten(IpSocket socket, long bytes) {
    }

    /**
     * Called when a TLS socket finished its handshake and the stream is encrypted (Qt's
     * {@code QSslSocket::encrypted()}), after {@link #connected}.
     *
     * @param socket the TLS socket
     */
    default void encrypted(SslSocket socket) {
    }

    /**
     * Called when verifying the peer of a TLS socket found errors (Qt's
     * {@code QSslSocket::sslErrors()}), before the handshake fails with
     * {@link SocketError#SSL_HANDSHAKE_FAILED_ERROR}.
     *
     * @param socket the TLS socket
     * @param errors one text per error, each naming the certificate or name concerned
     */
    default void sslErrors(SslSocket socket, java.util.List<String> errors) {
    }

    /**
     * Called when a TLS socket's mode changed (Qt's {@code QSslSocket::modeChanged()}), for
     * example to {@link SslMode#SSL_CLIENT_MODE} when the handshake starts.
     *
     * @param socket the TLS socket
     * @param mode the new mode
     */
    default void modeChanged(SslSocket socket, SslMode mode) {
    }
}
