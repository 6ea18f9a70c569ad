package ipsocket.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Option;

/**
 * The one definition of every socket configuration key: name, type, default, range and
 * description, as metatype attributes. The keys of every kind are members of this interface and
 * of {@link Connection} (the options a TCP server also gives its accepted connections); the keys of
 * one kind are members of {@link Tcp} (with {@link TcpConnection}), {@link Udp} or {@link Ssl} (TLS
 * sockets have the TCP keys too); {@link TcpSocketConfiguration}, {@link UdpSocketConfiguration} and
 * {@link SslSocketConfiguration} put them together under their factory PIDs, and
 * {@link TcpServerConfiguration} adds {@link Connection} and {@link TcpConnection} to the server's
 * own keys.
 *
 * <p>These are plain interfaces rather than annotation types, because an annotation type cannot
 * extend another; defaults are therefore given as {@code defaultValue}. bnd writes the attributes
 * of the interface an {@code @ObjectClassDefinition} is on and then those of the interfaces it
 * extends, in the order they are named, so the generated metatype lists the shared keys first,
 * then the kind's keys, then the console hint.
 *
 * <p>The components read the configuration as a map ({@link ConfigurationReader}) and check each
 * value with the key's {@code PropertyDef}, so that a bad value (a port of 70000, an unknown
 * protocol) becomes a socket error naming the key rather than a silent coercion; these interfaces
 * describe the keys to tools and consoles. {@code ConfigurationKeysTest} checks that the property
 * definitions, the README, the shell's {@code create} help and {@code docs/CONFIGURATION-KEYS.md}
 * agree with the metatype generated from them.
 */
public interface SocketConfiguration {
    /**
     * Name of the socket, registered as service property objectId and carried by every event. Empty: the configuration's PID.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Object id", description = "Name of the socket, registered as service property objectId and carried by every event. Empty: the configuration's PID.", defaultValue = "")
    String objectId();

    /**
     * Object id of the object this socket belongs to (InCore Object.parent), such as the device driver that owns it. Informational only. Empty: none.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Parent", description = "Object id of the object this socket belongs to (InCore Object.parent), such as the device driver that owns it. Informational only. Empty: none.", required = false, defaultValue = "")
    String parent();

    /**
     * Host name or IP address to connect to; an IPv6 literal may carry a scope (fe80::1%eth0).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Hostname", description = "Host name or IP address to connect to; an IPv6 literal may carry a scope (fe80::1%eth0).", defaultValue = "")
    String hostname();

    /**
     * Port to connect to, 1 to 65535 (-1: unset).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Port", description = "Port to connect to, 1 to 65535 (-1: unset).", min = "-1", max = "65535", defaultValue = "-1")
    int port();

    /**
     * Network layer protocol: IPv4 only, IPv6 only, or either (the name or its number 0, 1, 2).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Protocol", description = "Network layer protocol: IPv4 only, IPv6 only, or either (the name or its number 0, 1, 2).", defaultValue = "AnyIPProtocol",
            options = {@Option(label = "IPv4 or IPv6", value = "AnyIPProtocol"),
                    @Option(label = "IPv4 only", value = "IPv4Protocol"),
                    @Option(label = "IPv6 only", value = "IPv6Protocol")})
    String protocol();

    /**
     * Connect as soon as hostname and port are valid, and reconnect with exponential backoff after errors and remote closes.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Connect automatically", description = "Connect as soon as hostname and port are valid, and reconnect with exponential backoff after errors and remote closes.", defaultValue = "true")
    boolean autoConnect();

    /**
     * IP_MULTICAST_LOOP: multicast datagrams sent also reach this host.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Multicast loopback", description = "IP_MULTICAST_LOOP: multicast datagrams sent also reach this host.", defaultValue = "false")
    boolean multicastLoopback();

    /**
     * IP_MULTICAST_TTL, 1 to 255 (0: OS default).
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Multicast TTL", description = "IP_MULTICAST_TTL, 1 to 255 (0: OS default).", min = "0", max = "255", defaultValue = "0")
    int multicastTtl();

    /**
     * Path MTU to use for IPv6 (0 or 1280 to 65535); the value known by the IP stack is reported while connected.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Path MTU", description = "Path MTU to use for IPv6 (0 or 1280 to 65535); the value known by the IP stack is reported while connected.", min = "0", max = "65535", defaultValue = "0")
    int pathMtu();

    /**
     * IP literal to bind to (UDP) or to connect from (TCP); empty: any.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Local address", description = "IP literal to bind to (UDP) or to connect from (TCP); empty: any.", defaultValue = "")
    String localAddress();

    /**
     * Port to bind to (UDP) or to connect from (TCP); 0: chosen by the OS.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Local port", description = "Port to bind to (UDP) or to connect from (TCP); 0: chosen by the OS.", min = "0", max = "65535", defaultValue = "0")
    int localPort();

    /**
     * Longest time for host lookup plus connect before SocketTimeoutError.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Connect timeout (ms)", description = "Longest time for host lookup plus connect before SocketTimeoutError.", min = "1", defaultValue = "30000")
    int connectTimeout();

    /**
     * Lower bound of the reconnect backoff: no two automatic attempts are closer.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Reconnect minimum interval (ms)", description = "Lower bound of the reconnect backoff: no two automatic attempts are closer.", min = "1", defaultValue = "1000")
    int reconnectMinInterval();

    /**
     * Upper bound of the reconnect backoff; waits are drawn with full jitter below a ceiling that doubles per failed attempt.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Reconnect maximum interval (ms)", description = "Upper bound of the reconnect backoff; waits are drawn with full jitter below a ceiling that doubles per failed attempt.", min = "1", defaultValue = "60000")
    int reconnectMaxInterval();

    /**
     * Refuse every write.
     *
     * @return the configured value
     */
    @AttributeDefinition(name = "Read only", description = "Refuse every write.", defaultValue = "false")
    boolean readOnly();

    /**
     * The keys of every socket that a TCP server also gives the connections it accepts
     * ({@link TcpServerConfiguration} extends it): options and buffers of an open connection.
     */
    interface Connection {
        /**
         * SO_KEEPALIVE.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Keepalive", description = "SO_KEEPALIVE.", defaultValue = "false")
        boolean keepAlive();

        /**
         * TCP_NODELAY: disable Nagle's algorithm.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Low delay", description = "TCP_NODELAY: disable Nagle's algorithm.", defaultValue = "false")
        boolean lowDelay();

        /**
         * SO_RCVBUF in bytes (0: OS default).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Receive buffer size", description = "SO_RCVBUF in bytes (0: OS default).", min = "0", defaultValue = "0")
        int receiveBufferSize();

        /**
         * SO_SNDBUF in bytes (0: OS default).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Send buffer size", description = "SO_SNDBUF in bytes (0: OS default).", min = "0", defaultValue = "0")
        int sendBufferSize();

        /**
         * IP_TOS, 0 to 255.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Type of service", description = "IP_TOS, 0 to 255.", min = "0", max = "255", defaultValue = "0")
        int typeOfService();

        /**
         * Post DATA_RECEIVED events carrying a copy of the received bytes.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Publish data", description = "Post DATA_RECEIVED events carrying a copy of the received bytes.", defaultValue = "false")
        boolean publishData();

        /**
         * Most bytes buffered for reading; when full the socket stops reading from the OS (TCP backpressure).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Read buffer limit (bytes)", description = "Most bytes buffered for reading; when full the socket stops reading from the OS (TCP backpressure).", min = "1", defaultValue = "1048576")
        int readBufferLimit();

        /**
         * Most bytes accepted for sending and not yet handed to the OS.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Write buffer limit (bytes)", description = "Most bytes accepted for sending and not yet handed to the OS.", min = "1", defaultValue = "1048576")
        int writeBufferLimit();

        /**
         * Longest line readLine() returns in one piece; longer lines come in pieces.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Maximum line length (bytes)", description = "Longest line readLine() returns in one piece; longer lines come in pieces.", min = "1", max = "16777216", defaultValue = "65535")
        int maxLineLength();
    }

    /** The keys of TCP connections, client or accepted, that a TCP server also gives its connections. */
    interface TcpConnection {
        /**
         * TCP_KEEPIDLE (0: OS default).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Keepalive idle (s)", description = "TCP_KEEPIDLE (0: OS default).", min = "0", max = "32767", defaultValue = "0")
        int keepAliveIdle();

        /**
         * TCP_KEEPINTERVAL (0: OS default).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Keepalive interval (s)", description = "TCP_KEEPINTERVAL (0: OS default).", min = "0", max = "32767", defaultValue = "0")
        int keepAliveInterval();

        /**
         * TCP_KEEPCOUNT (0: OS default).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Keepalive probes", description = "TCP_KEEPCOUNT (0: OS default).", min = "0", max = "127", defaultValue = "0")
        int keepAliveCount();
    }

    /** The keys of TCP client sockets only. */
    interface Tcp extends TcpConnection {
        /**
         * SO_LINGER in seconds (-1: off; 0: reset on close).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Linger (s)", description = "SO_LINGER in seconds (-1: off; 0: reset on close).", min = "-1", max = "65535", defaultValue = "-1")
        int linger();

        /**
         * RFC 8305 delay between attempts to the addresses of one host name.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Connection attempt delay (ms)", description = "RFC 8305 delay between attempts to the addresses of one host name.", min = "10", max = "2000", defaultValue = "250")
        int connectionAttemptDelay();
    }

    /** The keys of UDP sockets only. */
    interface Udp {
        /**
         * Group addresses to join while bound, such as 239.255.0.1 or ff02::fb.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Multicast groups", description = "Group addresses to join while bound, such as 239.255.0.1 or ff02::fb.", defaultValue = "")
        String[] multicastGroups();

        /**
         * Interface to join groups on and send multicast from (IP_MULTICAST_IF), such as eth0 or lo; empty: every multicast-capable interface.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Multicast interface", description = "Interface to join groups on and send multicast from (IP_MULTICAST_IF), such as eth0 or lo; empty: every multicast-capable interface.", defaultValue = "")
        String multicastInterface();

        /**
         * SO_BROADCAST: allow sending to broadcast addresses.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Broadcast", description = "SO_BROADCAST: allow sending to broadcast addresses.", defaultValue = "false")
        boolean broadcast();

        /**
         * Most datagrams queued for reading; beyond it the newest are kept, the oldest unread are
         * dropped, counted and reported (every arrival is still signalled).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Receive queue limit (datagrams)", description = "Most datagrams queued for reading; beyond it the newest are kept, the oldest unread are dropped, counted and reported (every arrival is still signalled).", min = "1", max = "1048576", defaultValue = "1024")
        int receiveQueueLimit();
    }

    /** The keys of TLS sockets only (with the TCP keys). */
    interface Ssl {
        /**
         * How the peer's certificate is verified: VerifyNone, QueryPeer (asked for, not verified), VerifyPeer, AutoVerifyPeer (VerifyPeer for a client).
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Peer verify mode", description = "How the peer's certificate is verified: VerifyNone, QueryPeer (asked for, not verified), VerifyPeer, AutoVerifyPeer (VerifyPeer for a client).", defaultValue = "AutoVerifyPeer", options = {
            @Option(label = "VerifyNone", value = "VerifyNone"), @Option(label = "QueryPeer", value = "QueryPeer"),
            @Option(label = "VerifyPeer", value = "VerifyPeer"),
            @Option(label = "AutoVerifyPeer", value = "AutoVerifyPeer")})
        String peerVerifyMode();

        /**
         * Name the peer's certificate must match, also sent as SNI; empty: the hostname.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Peer verify name", description = "Name the peer's certificate must match, also sent as SNI; empty: the hostname.", defaultValue = "")
        String peerVerifyName();

        /**
         * PEM files of the trusted CA certificates; empty: the JDK's trust store.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "CA certificates", description = "PEM files of the trusted CA certificates; empty: the JDK's trust store.", defaultValue = "")
        String[] caCertificates();

        /**
         * PEM file of the client certificate chain (with privateKey); read on every connect.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Local certificate", description = "PEM file of the client certificate chain (with privateKey); read on every connect.", defaultValue = "")
        String localCertificate();

        /**
         * PEM file of the client's private key: PKCS#8, or traditional PKCS#1/SEC1 (with BouncyCastle), encrypted with .privateKeyPassword or not; read on every connect.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Private key", description = "PEM file of the client's private key: PKCS#8, or traditional PKCS#1/SEC1 (with BouncyCastle), encrypted with .privateKeyPassword or not; read on every connect.", defaultValue = "")
        String privateKey();

        /**
         * PKCS#12 file with the client's key and certificate chain, instead of the PEM files; read on every connect.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Key store", description = "PKCS#12 file with the client's key and certificate chain, instead of the PEM files; read on every connect.", defaultValue = "")
        String keyStore();

        /**
         * TLS protocol versions offered.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "TLS protocols", description = "TLS protocol versions offered.", defaultValue = {"TLSv1.3", "TLSv1.2"})
        String[] sslProtocols();

        /**
         * Cipher suites offered (JDK names); empty: the JDK's defaults.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Cipher suites", description = "Cipher suites offered (JDK names); empty: the JDK's defaults.", defaultValue = "")
        String[] cipherSuites();

        /**
         * SHA-256 fingerprints (hex, colons allowed) of which the peer's chain must contain one; empty: no pinning.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Pinned peer SHA-256", description = "SHA-256 fingerprints (hex, colons allowed) of which the peer's chain must contain one; empty: no pinning.", defaultValue = "")
        String[] pinnedPeerSha256();

        /**
         * ALPN protocols offered, in order of preference; empty: no ALPN.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "ALPN protocols", description = "ALPN protocols offered, in order of preference; empty: no ALPN.", defaultValue = "")
        String[] alpnProtocols();

        /**
         * Longest time the TLS handshake may take.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Handshake timeout (ms)", description = "Longest time the TLS handshake may take.", min = "1", defaultValue = "10000")
        int handshakeTimeout();

        /**
         * Password of an encrypted privateKey: a private property, never shown.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Private key password", description = "Password of an encrypted privateKey: a private property, never shown.", type = AttributeType.PASSWORD, required = false, defaultValue = "")
        String _privateKeyPassword();

        /**
         * Password of keyStore: a private property, never shown.
         *
         * @return the configured value
         */
        @AttributeDefinition(name = "Key store password", description = "Password of keyStore: a private property, never shown.", type = AttributeType.PASSWORD, required = false, defaultValue = "")
        String _keyStorePassword();
    }

    /** What consoles such as the Felix web console read; no socket key. */
    interface Console {
        /**
         * Tells the Felix web console to label instances by their object id.
         *
         * @return the name hint
         */
        @AttributeDefinition(name = "Name hint", description = "How consoles label instances.", required = false, defaultValue = "{objectId} {hostname}:{port}")
        String webconsole_configurationFactory_nameHint();
    }
}
