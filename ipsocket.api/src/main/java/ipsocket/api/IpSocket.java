package ipsocket.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The members common to TCP and UDP sockets, after the InCore {@code IpSocket} type and Qt's
 * {@code QAbstractSocket}.
 *
 * <p>A socket is a small state machine ({@link SocketState}) driven by a shared event loop.
 * Every method is safe to call from any thread and returns without blocking (except
 * {@link #sync()}); connecting, sending and closing complete asynchronously and are reported
 * to {@link SocketListener}s and as EventAdmin events ({@link SocketEvents}).
 *
 * <h2>Options</h2>
 * Options mirror {@link java.net.StandardSocketOptions}. They are applied when the socket
 * opens and, where the operating system allows, immediately on an open socket:
 * <table>
 * <caption>Socket options and their accessors</caption>
 * <tr><th>Option</th><th>Accessors</th><th>Default</th></tr>
 * <tr><td>{@code SO_KEEPALIVE}</td><td>{@link #isKeepAlive()}, {@link #setKeepAlive(boolean)}</td><td>false</td></tr>
 * <tr><td>{@code TCP_NODELAY}</td><td>{@link #isLowDelay()}, {@link #setLowDelay(boolean)}</td><td>false</td></tr>
 * <tr><td>{@code IP_TOS}</td><td>{@link #getTypeOfService()}, {@link #setTypeOfService(int)}</td><td>0</td></tr>
 * <tr><td>{@code SO_RCVBUF}</td><td>{@link #getReceiveBufferSize()}, {@link #setReceiveBufferSize(int)}</td><td>0 (OS default)</td></tr>
 * <tr><td>{@code SO_SNDBUF}</td><td>{@link #getSendBufferSize()}, {@link #setSendBufferSize(int)}</td><td>0 (OS default)</td></tr>
 * <tr><td>{@code IP_MULTICAST_TTL}</td><td>{@link #getMulticastTtl()}, {@link #setMulticastTtl(int)}</td><td>0 (OS default)</td></tr>
 * <tr><td>{@code IP_MULTICAST_LOOP}</td><td>{@link #isMulticastLoopback()}, {@link #setMulticastLoopback(boolean)}</td><td>false</td></tr>
 * </table>
 *
 * <h2>Validation</h2>
 * Hostname and port are stored as given; an empty hostname or a port outside 1 to 65535 is
 * reported when connecting, as {@link SocketError#EMPTY_HOST_NAME_ERROR} or
 * {@link SocketError#PORT_NUMBER_OUT_OF_RANGE_ERROR}. Other setters reject values outside
 * their documented range with an {@link IllegalArgumentException} that names the property,
 * the value and the range.
 */
@ProviderType
public interface IpSocket extends IoDevice {

    /**
     * Returns whether the socket connects by itself as soon as hostname and port are valid,
     * and reconnects with exponential backoff after an error or a remote close.
     *
     * @return the setting, {@code true} by default
     */
    boolean isAutoConnect();

    /**
     * Sets whether the socket connects and reconnects by itself; see {@link #isAutoConnect()}.
     * {@link #disconnectFromHost()} and {@link #abort()} pause reconnecting until
     * {@link #connectToHost()} is called.
     *
     * @param autoConnect the new setting
     */
    void setAutoConnect(boolean autoConnect);

    /**
     * Returns the most recent error, or {@link SocketError#NO_ERROR}. The value changes only
     * when a different error occurs; {@link SocketListener#errorOccurred} reports every
     * occurrence.
     *
     * @return the most recent error, never {@code null}
     */
    SocketError getError();

    /**
     * Returns a human-readable text for the current {@link #getError() error}, naming host,
     * port and the operating system's reason where known.
     *
     * @return the error text, the empty string when there is no error
     */
    String getErrorString();

    /**
     * Returns the name or address of the host to connect to.
     *
     * @return the hostname, the empty string when unset
     */
    String getHostname();

    /**
     * Sets the name or address of the host to connect to. An IPv6 literal may carry a scope
     * ({@code fe80::1%eth0}). On a connected socket a new hostname reconnects when
     * {@link #isAutoConnect() autoConnect} is on.
     *
     * @param hostname a host name, an IPv4 literal or an IPv6 literal (without brackets)
     * @throws IllegalArgumentException if the hostname is longer than 255 characters, more than
     *         any DNS name
     */
    void setHostname(String hostname);

    /**
     * Returns whether {@code SO_KEEPALIVE} is enabled.
     *
     * @return the setting, {@code false} by default
     */
    boolean isKeepAlive();

    /**
     * Enables or disables {@code SO_KEEPALIVE}, live on an open socket.
     *
     * @param keepAlive the new setting
     */
    void setKeepAlive(boolean keepAlive);

    /**
     * Returns whether the socket is tuned for low latency ({@code TCP_NODELAY}, Nagle's
     * algorithm off).
     *
     * @return the setting, {@code false} by default
     */
    boolean isLowDelay();

    /**
     * Enables or disables {@code TCP_NODELAY}, live on an open socket; ignored by UDP sockets.
     *
     * @param lowDelay the new setting
     */
    void setLowDelay(boolean lowDelay);

    /**
     * Returns whether multicast datagrams sent by this socket loop back to this host
     * ({@code IP_MULTICAST_LOOP}).
     *
     * @return the setting, {@code false} by default
     */
    boolean isMulticastLoopback();

    /**
     * Enables or disables {@code IP_MULTICAST_LOOP}, live on an open UDP socket.
     *
     * @param multicastLoopback the new setting
     */
    void setMulticastLoopback(boolean multicastLoopback);

    /**
     * Returns the time-to-live of outgoing multicast datagrams ({@code IP_MULTICAST_TTL}).
     *
     * @return the TTL, 0 (the default) for the operating system's default
     */
    int getMulticastTtl();

    /**
     * Sets the time-to-live of outgoing multicast datagrams, live on an open UDP socket.
     *
     * @param multicastTtl 0 for the operating system's default, or 1 to 255
     * @throws IllegalArgumentException if the value is outside 0 to 255
     */
    void setMulticastTtl(int multicastTtl);

    /**
     * Returns the path MTU the IP stack currently knows for the connection, in bytes.
     *
     * <p>Java has no portable option for the path MTU. On Linux the value reported is the MTU
     * of the interface that carries the connection (for loopback typically 65536), read when
     * the socket connects; elsewhere, and while not connected, the value last set (0 by
     * default).
     *
     * @return the path MTU in bytes, or 0 when unknown
     */
    int getPathMtu();

    /**
     * Sets the path MTU to use; as in InCore this can only take effect for IPv6 connections,
     * and Java offers no way to set it, so the value is stored and reported by
     * {@link #getPathMtu()} until the socket connects and learns the real value.
     *
     * @param pathMtu 0, or 1280 to 65535 bytes
     * @throws IllegalArgumentException if the value is negative, 1 to 1279 or above 65535
     */
    void setPathMtu(int pathMtu);

    /**
     * Returns the port of the host to connect to.
     *
     * @return the port, -1 when unset (the default)
     */
    int getPort();

    /**
     * Sets the port of the host to connect to. A value outside 1 to 65535 is stored and
     * reported as {@link SocketError#PORT_NUMBER_OUT_OF_RANGE_ERROR} when connecting.
     *
     * @param port the port
     */
    void setPort(int port);

    /**
     * Returns the network layer protocol used to resolve and connect.
     *
     * @return the protocol, {@link NetworkProtocol#ANY_IP_PROTOCOL} by default
     */
    NetworkProtocol getProtocol();

    /**
     * Sets the network layer protocol; on a connected socket a change reconnects when
     * {@link #isAutoConnect() autoConnect} is on.
     *
     * @param protocol IPv4 only, IPv6 only or any
     * @throws IllegalArgumentException if the protocol is {@code null} or
     *         {@link NetworkProtocol#UNKNOWN_PROTOCOL}
     */
    void setProtocol(NetworkProtocol protocol);

    /**
     * Returns the requested operating-system receive buffer size ({@code SO_RCVBUF}).
     *
     * @return the size in bytes, 0 (the default) for the operating system's default
     */
    int getReceiveBufferSize();

    /**
     * Sets the operating-system receive buffer size ({@code SO_RCVBUF}), live on an open
     * socket; the kernel may round or cap it.
     *
     * @param receiveBufferSize 0 for the operating system's default, or a size in bytes
     * @throws IllegalArgumentException if the size is negative
     */
    void setReceiveBufferSize(int receiveBufferSize);

    /**
     * Returns the requested operating-system send buffer size ({@code SO_SNDBUF}).
     *
     * @return the size in bytes, 0 (the default) for the operating system's default
     */
    int getSendBufferSize();

    /**
     * Sets the operating-system send buffer size ({@code SO_SNDBUF}), live on an open socket;
     * the kernel may round or cap it.
     *
     * @param sendBufferSize 0 for the operating system's default, or a size in bytes
     * @throws IllegalArgumentException if the size is negative
     */
    void setSendBufferSize(int sendBufferSize);

    /**
     * Returns the current state of the socket.
     *
     * @return the state, {@link SocketState#DISCONNECTED} initially
     */
    SocketState getState();

    /**
     * Requests a state, as InCore's writable {@code state} property does:
     * {@link SocketState#CONNECTED} (or {@code HOST_LOOKUP}, {@code CONNECTING}) calls
     * {@link #connectToHost()}, {@link SocketState#DISCONNECTED} or {@code CLOSING} calls
     * {@link #disconnectFromHost()}, and {@link SocketState#BOUND} binds a UDP socket. Asking
     * for the state the socket is already heading to does nothing.
     *
     * @param state the state to move to
     * @throws IllegalArgumentException if the state is {@code null}, or {@code BOUND} on a
     *         TCP socket
     */
    void setState(SocketState state);

    /**
     * Returns the {@code IP_TOS} value (type of service / DSCP and ECN bits).
     *
     * @return the value, 0 by default
     */
    int getTypeOfService();

    /**
     * Sets the {@code IP_TOS} value, live on an open socket; for example 0x10 low delay,
     * 0x08 throughput, 0x04 reliability (Qt's TypeOfService table).
     *
     * @param typeOfService 0 to 255
     * @throws IllegalArgumentException if the value is outside 0 to 255
     */
    void setTypeOfService(int typeOfService);

    /**
     * Returns the local address: the address the socket is bound to while open, otherwise the
     * configured local address to bind to.
     *
     * @return the local address, the empty string when none is set and the socket is closed
     */
    String getLocalAddress();

    /**
     * Sets the local address to bind to (UDP) or to connect from (TCP); applies at the next
     * bind or connect.
     *
     * @param localAddress an IP literal or host name, or the empty string for any address
     */
    void setLocalAddress(String localAddress);

    /**
     * Returns the local port: the port the socket is bound to while open, otherwise the
     * configured local port.
     *
     * @return the local port, 0 (any) by default
     */
    int getLocalPort();

    /**
     * Sets the local port to bind to (UDP) or to connect from (TCP); applies at the next bind
     * or connect.
     *
     * @param localPort 0 for a port chosen by the operating system, or 1 to 65535
     * @throws IllegalArgumentException if the port is outside 0 to 65535
     */
    void setLocalPort(int localPort);

    /**
     * Returns the address of the connected peer.
     *
     * @return the peer address as an IP literal, the empty string when not connected
     */
    String getPeerAddress();

    /**
     * Returns the port of the connected peer.
     *
     * @return the peer port, 0 when not connected
     */
    int getPeerPort();

    /**
     * Returns how long a connection attempt may take, host lookup included, before it fails
     * with {@link SocketError#SOCKET_TIMEOUT_ERROR}.
     *
     * @return the timeout in milliseconds, 30000 by default
     */
    int getConnectTimeout();

    /**
     * Sets how long a connection attempt may take; applies at the next connect.
     *
     * @param connectTimeout the timeout in milliseconds, at least 1
     * @throws IllegalArgumentException if the value is less than 1
     */
    void setConnectTimeout(int connectTimeout);

    /**
     * Returns the lower bound of the reconnect backoff used by {@link #isAutoConnect()
     * autoConnect}: no two automatic attempts are closer together than this.
     *
     * @return the interval in milliseconds, 1000 by default
     */
    int getReconnectMinInterval();

    /**
     * Sets the lower bound of the reconnect backoff.
     *
     * @param reconnectMinInterval the interval in milliseconds, at least 1
     * @throws IllegalArgumentException if the value is less than 1
     */
    void setReconnectMinInterval(int reconnectMinInterval);

    /**
     * Returns the upper bound of the reconnect backoff. Each wait is drawn uniformly between
     * the lower bound and a ceiling (full jitter); the ceiling starts at the lower bound and
     * doubles after every attempt that fails, up to this value. It starts over after a
     * connection that stayed up for ten times the lower bound.
     *
     * @return the interval in milliseconds, 60000 by default
     */
    int getReconnectMaxInterval();

    /**
     * Sets the upper bound of the reconnect backoff; a value below the lower bound is treated
     * as equal to it.
     *
     * @param reconnectMaxInterval the interval in milliseconds, at least 1
     * @throws IllegalArgumentException if the value is less than 1
     */
    void setReconnectMaxInterval(int reconnectMaxInterval);

    /**
     * Returns the most bytes buffered for reading. While the read buffer is full the socket
     * stops reading from the operating system (TCP backpressure; nothing is dropped).
     *
     * @return the limit in bytes, 1048576 (1 MiB) by default
     */
    int getReadBufferLimit();

    /**
     * Sets the most bytes buffered for reading; a TCP socket keeps at least the maximum line
     * length, so that {@link #readLine()} always makes progress, and a UDP socket always keeps
     * at least one datagram (its queue is bounded by this many bytes and by its receive queue
     * limit).
     *
     * @param readBufferLimit the limit in bytes, at least 1
     * @throws IllegalArgumentException if the value is less than 1
     */
    void setReadBufferLimit(int readBufferLimit);

    /**
     * Returns the most bytes accepted for sending and not yet handed to the operating system.
     *
     * @return the limit in bytes, 1048576 (1 MiB) by default
     */
    int getWriteBufferLimit();

    /**
     * Sets the most bytes buffered for sending; bytes already accepted are always kept.
     *
     * @param writeBufferLimit the limit in bytes, at least 1
     * @throws IllegalArgumentException if the value is less than 1
     */
    void setWriteBufferLimit(int writeBufferLimit);

    /**
     * Returns the longest line, in bytes without terminator, that {@link #readLine()} returns
     * in one piece.
     *
     * @return the limit in bytes, 65535 by default
     */
    int getMaxLineLength();

    /**
     * Sets the longest line {@link #readLine()} returns in one piece.
     *
     * @param maxLineLength the limit in bytes, 1 to 16777216
     * @throws IllegalArgumentException if the value is outside 1 to 16777216
     */
    void setMaxLineLength(int maxLineLength);

    /**
     * Returns the number of bytes accepted for sending and not yet handed to the operating
     * system.
     *
     * @return the pending byte count
     */
    long getBytesToWrite();

    /**
     * Returns the number of bytes received since the socket was created.
     *
     * @return the total received byte count
     */
    long getBytesReceived();

    /**
     * Returns the number of bytes handed to the operating system since the socket was created.
     *
     * @return the total sent byte count
     */
    long getBytesSent();

    /**
     * Returns how many connections this socket has established after its first one, since it
     * was created: every entry into {@link SocketState#CONNECTED} but the first counts, whether
     * autoConnect reconnected after an error or a remote close, or {@link #connectToHost()} was
     * called again after a disconnect. Attempts that fail are not counted; a socket that never
     * connected, or connected once and stayed, has 0. For a UDP socket a connection is a virtual
     * connection to a peer.
     *
     * @return the reconnect count, 0 or more
     * @since 1.1
     */
    long getReconnectCount();

    /**
     * Connects to {@link #getHostname() hostname} on {@link #getPort() port} using
     * {@link #getProtocol() protocol}: the socket enters {@link SocketState#HOST_LOOKUP}, then
     * {@link SocketState#CONNECTING}, then {@link SocketState#CONNECTED}, calling
     * {@link SocketListener#stateChanged} on every step and {@link SocketListener#connected}
     * at the end. A failed step ends in {@link SocketState#DISCONNECTED} in Qt's order:
     * {@code stateChanged(Disconnected)} first, then {@link SocketListener#errorOccurred}, so a
     * listener that reacts to the error sees the final state (EventAdmin events follow the same
     * order).
     *
     * <p>The call is carried out on the socket's event loop before it returns, so on return the
     * socket is in {@link SocketState#HOST_LOOKUP} or a later state; from inside a listener of
     * this socket it takes effect right after that listener's signal (listeners are never
     * re-entered). From then on the socket is {@link IoDevice#isOpen() open}, and a TCP socket
     * {@link IoDevice#isWritable() writable}: bytes written before the connection exists are
     * sent once it does.
     *
     * <p>Calling this while looking up, connecting, connected or closing reports
     * {@link SocketError#OPERATION_ERROR} and changes nothing. It also resumes automatic
     * reconnecting after {@link #disconnectFromHost()} or {@link #abort()}.
     */
    void connectToHost();

    /**
     * Sets hostname and port, then {@link #connectToHost() connects}.
     *
     * @param hostname the host name or address
     * @param port the port, 1 to 65535
     * @throws IllegalArgumentException if the hostname is longer than 255 characters
     */
    void connectToHost(String hostname, int port);

    /**
     * Closes the connection gracefully: the socket enters {@link SocketState#CLOSING} until
     * every byte accepted for sending is handed to the operating system, then
     * {@link SocketState#DISCONNECTED}, and {@link SocketListener#disconnected} is called; it does
     * not wait for the peer to close its side (the operating system ends the connection:
     * FIN, then the peer's FIN, bounded by {@link TcpSocket#getLinger() linger} or 5 s), so a
     * {@link #connectToHost()} right after {@code disconnected()} works. On return the socket is
     * Closing or Disconnected.
     *
     * <p>While the host is looked up or the connection is made, the attempt goes on (as in Qt):
     * once connected, {@code connected()}, what was written goes out, then Closing, Disconnected
     * and {@code disconnected()}; if the attempt fails, Disconnected with its error. Automatic
     * reconnecting pauses until {@link #connectToHost()} is called.
     */
    void disconnectFromHost();

    /**
     * Closes the connection at once, discarding every byte not yet sent, and resets the
     * socket to {@link SocketState#DISCONNECTED}, which {@link #getState()} shows when the call
     * returns (called from inside a listener of this socket: right after that listener's
     * signal). Automatic reconnecting pauses until {@link #connectToHost()} is called.
     */
    void abort();

    /**
     * Adds a listener for this socket's signals. Callbacks run on the socket's event-loop
     * thread and must not block. Adding the same listener twice has no further effect.
     *
     * @param listener the listener to add
     */
    void addListener(SocketListener listener);

    /**
     * Removes a listener added with {@link #addListener(SocketListener)}; nothing happens if
     * it was not added.
     *
     * @param listener the listener to remove
     */
    void removeListener(SocketListener listener);
}
