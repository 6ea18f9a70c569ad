package ipsocket.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A TCP client socket, after the InCore {@code TcpSocket} type and Qt's {@code QTcpSocket}.
 *
 * <p>Typical use: set hostname and port (or configure them through ConfigAdmin under
 * {@link SocketPids#TCP_SOCKET}), write a request when {@link SocketListener#connected} is
 * called, and read the answer when {@link SocketListener#readyRead} is called.
 *
 * <p>For a host name that resolves to several addresses, the addresses are tried in the
 * order of RFC 8305 (Happy Eyeballs): IPv6 and IPv4 alternate, IPv6 first, a new attempt
 * starts every {@link #getConnectionAttemptDelay() connection attempt delay} while earlier
 * ones are still pending, the first to connect wins and the others are closed.
 *
 * <p>TCP keepalive tuning maps to {@code jdk.net.ExtendedSocketOptions} {@code TCP_KEEPIDLE},
 * {@code TCP_KEEPINTERVAL} and {@code TCP_KEEPCOUNT} where the platform has them (Linux and
 * macOS); elsewhere only {@code SO_KEEPALIVE} applies and the tuning is ignored.
 */
@ProviderType
public interface TcpSocket extends IpSocket {

    /**
     * Returns the idle time before the first keepalive probe ({@code TCP_KEEPIDLE}).
     *
     * @return the time in seconds, 0 (the default) for the operating system's default
     */
    int getKeepAliveIdle();

    /**
     * Sets the idle time before the first keepalive probe, live on an open socket.
     *
     * @param seconds 0 for the operating system's default, or 1 to 32767
     * @throws IllegalArgumentException if the value is outside 0 to 32767
     */
    void setKeepAliveIdle(int seconds);

    /**
     * Returns the time between keepalive probes ({@code TCP_KEEPINTERVAL}).
     *
     * @return the time in seconds, 0 (the default) for the operating system's default
     */
    int getKeepAliveInterval();

    /**
     * Sets the time between keepalive probes, live on an open socket.
     *
     * @param seconds 0 for the operating system's default, or 1 to 32767
     * @throws IllegalArgumentException if the value is outside 0 to 32767
     */
    void setKeepAliveInterval(int seconds);

    /**
     * Returns the number of unanswered keepalive probes after which the connection is
     * considered dead ({@code TCP_KEEPCOUNT}); the socket then reports
     * {@link SocketError#NETWORK_ERROR} and closes.
     *
     * @return the count, 0 (the default) for the operating system's default
     */
    int getKeepAliveCount();

    /**
     * Sets the number of unanswered keepalive probes, live on an open socket.
     *
     * @param count 0 for the operating system's default, or 1 to 127
     * @throws IllegalArgumentException if the value is outside 0 to 127
     */
    void setKeepAliveCount(int count);

    /**
     * Returns the {@code SO_LINGER} setting used when the connection closes.
     *
     * <p>It also bounds the end of the connection after a graceful close: once every accepted
     * byte is with the operating system, {@link #disconnectFromHost()} makes the socket
     * Disconnected and signals {@code disconnected()} at once, while the connection itself ends
     * in the background on the socket's loop: FIN, then reading and dropping what the peer still
     * sends until it closes its side too, for at most this many seconds (5 s when linger is off),
     * then the close. Closing earlier, with the peer's data unread, would make the operating
     * system reset the connection and the peer lose bytes it had not read yet. With 0 the close
     * is abortive at once.
     *
     * @return the linger time in seconds, or -1 (the default) for linger off
     */
    int getLinger();

    /**
     * Sets {@code SO_LINGER}, live on an open socket. With 0 a close resets the connection
     * (RST) instead of the normal FIN sequence.
     *
     * @param seconds -1 for linger off, or 0 to 65535
     * @throws IllegalArgumentException if the value is outside -1 to 65535
     */
    void setLinger(int seconds);

    /**
     * Returns the delay between connection attempts to the addresses of one host name
     * (RFC 8305 "Connection Attempt Delay").
     *
     * @return the delay in milliseconds, 250 by default
     */
    int getConnectionAttemptDelay();

    /**
     * Sets the delay between connection attempts to the addresses of one host name.
     *
     * @param milliseconds 10 to 2000, the range RFC 8305 recommends
     * @throws IllegalArgumentException if the value is outside 10 to 2000
     */
    void setConnectionAttemptDelay(int milliseconds);

    /**
     * Half-closes the connection: once every byte accepted for sending is out, the sending
     * direction is shut down (FIN) while the socket stays {@link SocketState#CONNECTED} and
     * keeps reading until the peer closes. Later writes are refused with -1 and
     * {@link SocketError#OPERATION_ERROR}.
     *
     * @return {@code true} if the socket was connected and the half-close is under way,
     *         {@code false} otherwise (then {@link SocketError#OPERATION_ERROR} is reported)
     */
    boolean shutdownOutput();
}
