package ipsocket.api;

/**
 * Configuration PIDs and Declarative Services names of the ipsocket components.
 *
 * <p>Every factory configuration under {@link #TCP_SOCKET} or {@link #UDP_SOCKET} is one live
 * socket, registered as a service under its interfaces. A bundle that wants a socket from code
 * instead uses the component factory named by {@link #TCP_SOCKET_COMPONENT_FACTORY} or
 * {@link #UDP_SOCKET_COMPONENT_FACTORY}.
 */
public final class SocketPids {

    /** Factory PID of TCP sockets; a configuration file is named {@code ipsocket.TcpSocket-NAME.cfg}. */
    public static final String TCP_SOCKET = "ipsocket.TcpSocket";

    /** Factory PID of UDP sockets; a configuration file is named {@code ipsocket.UdpSocket-NAME.cfg}. */
    public static final String UDP_SOCKET = "ipsocket.UdpSocket";

    /**
     * Factory PID of TCP servers (since 1.1); a configuration file is named
     * {@code ipsocket.TcpServer-NAME.cfg}. Every factory configuration is one listening server.
     */
    public static final String TCP_SERVER = "ipsocket.TcpServer";

    /** Name of the component factory creating TCP servers from code (since 1.1). */
    public static final String TCP_SERVER_COMPONENT_FACTORY = "ipsocket.TcpServer.factory";
    /** Factory PID of TLS client sockets ({@link SslSocket}); a configuration file is named {@code ipsocket.SslSocket-NAME.cfg}. */
    public static final String SSL_SOCKET = "ipsocket.SslSocket";

    /** PID of the shared event loop's configuration (number of I/O threads). */
    public static final String EVENT_LOOP = "ipsocket.EventLoop";

    /**
     * Name of the component factory creating TCP sockets from code, for a
     * {@code @Reference(target = "(component.factory=ipsocket.TcpSocket.factory)")} to a
     * {@code ComponentFactory}.
     */
    public static final String TCP_SOCKET_COMPONENT_FACTORY = "ipsocket.TcpSocket.factory";

    /** Name of the component factory creating UDP sockets from code. */
    public static final String UDP_SOCKET_COMPONENT_FACTORY = "ipsocket.UdpSocket.factory";

    /** Name of the component factory creating TLS sockets from code. */
    public static final String SSL_SOCKET_COMPONENT_FACTORY = "ipsocket.SslSocket.factory";

    private SocketPids() {
    }
}
