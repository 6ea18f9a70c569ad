package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Metatype of the UDP sockets (factory PID {@code ipsocket.UdpSocket}): one attribute per configuration
 * key, named and spelled as the keys of {@code ipsocket.api.SocketConfig}.
 *
 * <p>The components read the configuration as a map and check each value themselves, so that
 * a bad value (a port of 70000, an unknown protocol) becomes a socket error naming the key
 * rather than a silent coercion; this interface describes the keys to tools and consoles.
 */
@ObjectClassDefinition(id = "ipsocket.UdpSocket", name = "ipsocket UDP socket",
        description = "A UDP socket per factory configuration.")
public @interface UdpSocketConfiguration {

    /**
     * Name of the socket, registered as service property objectId and carried by every event. Empty: the configuration's PID.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Object id", description = "Name of the socket, registered as service property objectId and carried by every event. Empty: the configuration's PID.")
    String objectId() default "";

    /**
     * Object id of the object this socket belongs to (InCore Object.parent), such as the device driver that owns it. Informational only. Empty: none.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Parent", description = "Object id of the object this socket belongs to (InCore Object.parent), such as the device driver that owns it. Informational only. Empty: none.", required = false)
    String parent() default "";

    /**
     * Host name or IP address to connect to; an IPv6 literal may carry a scope (fe80::1%eth0).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Hostname", description = "Host name or IP address to connect to; an IPv6 literal may carry a scope (fe80::1%eth0).")
    String hostname() default "";

    /**
     * Port to connect to, 1 to 65535 (-1: unset).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Port", description = "Port to connect to, 1 to 65535 (-1: unset).", min = "-1", max = "65535")
    int port() default -1;

    /**
     * Network layer protocol: IPv4 only, IPv6 only, or either (the name or its number 0, 1, 2).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Protocol", description = "Network layer protocol: IPv4 only, IPv6 only, or either (the name or its number 0, 1, 2).",
            options = {@Option(label = "IPv4 or IPv6", value = "AnyIPProtocol"),
                    @Option(label = "IPv4 only", value = "IPv4Protocol"),
                    @Option(label = "IPv6 only", value = "IPv6Protocol")})
    String protocol() default "AnyIPProtocol";

    /**
     * Connect as soon as hostname and port are valid, and reconnect with exponential backoff after errors and remote closes.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Connect automatically", description = "Connect as soon as hostname and port are valid, and reconnect with exponential backoff after errors and remote closes.")
    boolean autoConnect() default true;

    /**
     * SO_KEEPALIVE.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Keepalive", description = "SO_KEEPALIVE.")
    boolean keepAlive() default false;

    /**
     * TCP_NODELAY: disable Nagle's algorithm.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Low delay", description = "TCP_NODELAY: disable Nagle's algorithm.")
    boolean lowDelay() default false;

    /**
     * IP_MULTICAST_LOOP: multicast datagrams sent also reach this host.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Multicast loopback", description = "IP_MULTICAST_LOOP: multicast datagrams sent also reach this host.")
    boolean multicastLoopback() default false;

    /**
     * IP_MULTICAST_TTL, 1 to 255 (0: OS default).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Multicast TTL", description = "IP_MULTICAST_TTL, 1 to 255 (0: OS default).", min = "0", max = "255")
    int multicastTtl() default 0;

    /**
     * Path MTU to use for IPv6 (0 or 1280 to 65535); the value known by the IP stack is reported while connected.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Path MTU", description = "Path MTU to use for IPv6 (0 or 1280 to 65535); the value known by the IP stack is reported while connected.", min = "0", max = "65535")
    int pathMtu() default 0;

    /**
     * SO_RCVBUF in bytes (0: OS default).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Receive buffer size", description = "SO_RCVBUF in bytes (0: OS default).", min = "0")
    int receiveBufferSize() default 0;

    /**
     * SO_SNDBUF in bytes (0: OS default).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Send buffer size", description = "SO_SNDBUF in bytes (0: OS default).", min = "0")
    int sendBufferSize() default 0;

    /**
     * IP_TOS, 0 to 255.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Type of service", description = "IP_TOS, 0 to 255.", min = "0", max = "255")
    int typeOfService() default 0;

    /**
     * IP literal to bind to (UDP) or to connect from (TCP); empty: any.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Local address", description = "IP literal to bind to (UDP) or to connect from (TCP); empty: any.")
    String localAddress() default "";

    /**
     * Port to bind to (UDP) or to connect from (TCP); 0: chosen by the OS.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Local port", description = "Port to bind to (UDP) or to connect from (TCP); 0: chosen by the OS.", min = "0", max = "65535")
    int localPort() default 0;

    /**
     * Longest time for host lookup plus connect before SocketTimeoutError.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Connect timeout (ms)", description = "Longest time for host lookup plus connect before SocketTimeoutError.", min = "1")
    int connectTimeout() default 30000;

    /**
     * Lower bound of the reconnect backoff: no two automatic attempts are closer.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Reconnect minimum interval (ms)", description = "Lower bound of the reconnect backoff: no two automatic attempts are closer.", min = "1")
    int reconnectMinInterval() default 1000;

    /**
     * Upper bound of the reconnect backoff; waits are drawn with full jitter below a ceiling that doubles per failed attempt.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Reconnect maximum interval (ms)", description = "Upper bound of the reconnect backoff; waits are drawn with full jitter below a ceiling that doubles per failed attempt.", min = "1")
    int reconnectMaxInterval() default 60000;

    /**
     * Post DATA_RECEIVED events carrying a copy of the received bytes.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Publish data", description = "Post DATA_RECEIVED events carrying a copy of the received bytes.")
    boolean publishData() default false;

    /**
     * Most bytes buffered for reading; when full the socket stops reading from the OS (TCP backpressure).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Read buffer limit (bytes)", description = "Most bytes buffered for reading; when full the socket stops reading from the OS (TCP backpressure).", min = "1")
    int readBufferLimit() default 1048576;

    /**
     * Most bytes accepted for sending and not yet handed to the OS.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Write buffer limit (bytes)", description = "Most bytes accepted for sending and not yet handed to the OS.", min = "1")
    int writeBufferLimit() default 1048576;

    /**
     * Longest line readLine() returns in one piece; longer lines come in pieces.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Maximum line length (bytes)", description = "Longest line readLine() returns in one piece; longer lines come in pieces.", min = "1", max = "16777216")
    int maxLineLength() default 65535;

    /**
     * Refuse every write.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Read only", description = "Refuse every write.")
    boolean readOnly() default false;

    /**
     * Group addresses to join while bound, such as 239.255.0.1 or ff02::fb.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Multicast groups", description = "Group addresses to join while bound, such as 239.255.0.1 or ff02::fb.")
    String[] multicastGroups() default {};

    /**
     * Interface to join groups on and send multicast from (IP_MULTICAST_IF), such as eth0 or lo; empty: every multicast-capable interface.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Multicast interface", description = "Interface to join groups on and send multicast from (IP_MULTICAST_IF), such as eth0 or lo; empty: every multicast-capable interface.")
    String multicastInterface() default "";

    /**
     * SO_BROADCAST: allow sending to broadcast addresses.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Broadcast", description = "SO_BROADCAST: allow sending to broadcast addresses.")
    boolean broadcast() default false;

    /**
     * Most datagrams queued for reading; further datagrams are dropped, counted and reported.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Receive queue limit (datagrams)", description = "Most datagrams queued for reading; further datagrams are dropped, counted and reported.", min = "1", max = "1048576")
    int receiveQueueLimit() default 1024;

    /**
     * Tells the Felix web console to label instances by their object id.
     *
     * @return the name hint
     */
    @AttributeDefinition(name = "Name hint", description = "How consoles label instances.", required = false)
    String webconsole_configurationFactory_nameHint() default "{objectId} {hostname}:{port}";
}
