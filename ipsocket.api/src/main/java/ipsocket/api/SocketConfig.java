package ipsocket.api;

/**
 * Configuration keys of the socket components, which are also the property names used by
 * {@link IoDevice#serializeProperties()} and {@link IoDevice#toJson()}.
 *
 * <p>The keys of the InCore properties are spelled exactly as the InCore page spells the
 * property. Values may be given typed or as Strings (as in {@code .cfg} files): {@code "true"},
 * {@code "502"}, {@code "IPv6Protocol"} and {@code "1"} are all accepted. The service
 * properties {@link #OBJECT_ID}, {@link #HOSTNAME} and {@link #PORT} are registered with every
 * socket service and kept current.
 */
public final class SocketConfig {

    /** The socket's name (String); default: the configuration's PID. Also a service property. */
    public static final String OBJECT_ID = "objectId";
    /**
     * The objectId of the object this socket belongs to (String, InCore {@code Object.parent});
     * default empty: a socket of its own. Informational: reported, never acted on.
     */
    public static final String PARENT = "parent";
    /** Host to connect to (String). Also a service property. */
    public static final String HOSTNAME = "hostname";
    /** Port to connect to (int, 1 to 65535; default -1 = unset). Also a service property. */
    public static final String PORT = "port";
    /** Network protocol ({@link NetworkProtocol} name or number; default {@code AnyIPProtocol}). */
    public static final String PROTOCOL = "protocol";
    /** Connect and reconnect automatically (boolean; default true). */
    public static final String AUTO_CONNECT = "autoConnect";
    /** {@code SO_KEEPALIVE} (boolean; default false). */
    public static final String KEEP_ALIVE = "keepAlive";
    /** {@code TCP_NODELAY} (boolean; default false). */
    public static final String LOW_DELAY = "lowDelay";
    /** {@code IP_MULTICAST_LOOP} (boolean; default false). */
    public static final String MULTICAST_LOOPBACK = "multicastLoopback";
    /** {@code IP_MULTICAST_TTL} (int, 0 to 255; default 0 = OS default). */
    public static final String MULTICAST_TTL = "multicastTtl";
    /** Path MTU (int, 0 or 1280 to 65535; default 0). */
    public static final String PATH_MTU = "pathMtu";
    /** {@code SO_RCVBUF} (int bytes; default 0 = OS default). */
    public static final String RECEIVE_BUFFER_SIZE = "receiveBufferSize";
    /** {@code SO_SNDBUF} (int bytes; default 0 = OS default). */
    public static final String SEND_BUFFER_SIZE = "sendBufferSize";
    /** {@code IP_TOS} (int, 0 to 255; default 0). */
    public static final String TYPE_OF_SERVICE = "typeOfService";

    /**
     * Local address to bind to (UDP) or connect from (TCP) (String; default any); the address a
     * server listens on (default {@code 127.0.0.1}).
     */
    public static final String LOCAL_ADDRESS = "localAddress";
    /**
     * Local port to bind to (UDP) or connect from (TCP) (int, 0 to 65535; default 0 = any); the port
     * a server listens on (required; 0 = chosen by the OS and reported).
     */
    public static final String LOCAL_PORT = "localPort";
    /** Multicast groups a UDP socket joins (String[]; default none). */
    public static final String MULTICAST_GROUPS = "multicastGroups";
    /** Interface name for multicast, such as {@code eth0} (String; default every capable one). */
    public static final String MULTICAST_INTERFACE = "multicastInterface";
    /** {@code SO_BROADCAST} (boolean; default false). */
    public static final String BROADCAST = "broadcast";
    /** Connect timeout (int milliseconds; default 30000). */
    public static final String CONNECT_TIMEOUT = "connectTimeout";
    /** Lower bound of the reconnect backoff (int milliseconds; default 1000). */
    public static final String RECONNECT_MIN_INTERVAL = "reconnectMinInterval";
    /** Upper bound of the reconnect backoff (int milliseconds; default 60000). */
    public static final String RECONNECT_MAX_INTERVAL = "reconnectMaxInterval";
    /** Post {@code DATA_RECEIVED} events carrying the received bytes (boolean; default false). */
    public static final String PUBLISH_DATA = "publishData";

    /** Most bytes buffered for reading (int; default 1048576). */
    public static final String READ_BUFFER_LIMIT = "readBufferLimit";
    /** Most bytes buffered for sending (int; default 1048576). */
    public static final String WRITE_BUFFER_LIMIT = "writeBufferLimit";
    /** Longest line {@code readLine()} returns in one piece (int bytes; default 65535). */
    public static final String MAX_LINE_LENGTH = "maxLineLength";
    /** Refuse every write (boolean; default false). */
    public static final String READ_ONLY = "readOnly";
    /** {@code TCP_KEEPIDLE} (int seconds; default 0 = OS default). */
    public static final String KEEP_ALIVE_IDLE = "keepAliveIdle";
    /** {@code TCP_KEEPINTERVAL} (int seconds; default 0 = OS default). */
    public static final String KEEP_ALIVE_INTERVAL = "keepAliveInterval";
    /** {@code TCP_KEEPCOUNT} (int; default 0 = OS default). */
    public static final String KEEP_ALIVE_COUNT = "keepAliveCount";
    /** {@code SO_LINGER} (int seconds, -1 = off; default -1). */
    public static final String LINGER = "linger";
    /** RFC 8305 connection attempt delay (int milliseconds, 10 to 2000; default 250). */
    public static final String CONNECTION_ATTEMPT_DELAY = "connectionAttemptDelay";
    /** Most datagrams kept in a UDP socket's receive queue (int; default 1024). */
    public static final String RECEIVE_QUEUE_LIMIT = "receiveQueueLimit";

    /**
     * Server (since 1.1): the listen backlog, connections the OS queues until accepted (int, 1 to
     * 65535; default 30).
     */
    public static final String MAX_PENDING_CONNECTIONS = "maxPendingConnections";
    /**
     * Server (since 1.1): most connections open at once; at the limit the server stops accepting
     * until one ends (int, 1 to 1048576; default 64).
     */
    public static final String MAX_CONNECTIONS = "maxConnections";
    /**
     * Server (since 1.1): the peers allowed to connect, as CIDR blocks or single addresses
     * ({@code 192.168.1.0/24}, {@code ::1}; String[]); others are closed at once and reported.
     * Empty (the default): every peer.
     */
    public static final String ALLOWED_PEERS = "allowedPeers";
    /**
     * Server (since 1.1): whether closing the server also disconnects its established connections
     * gracefully (boolean; default false: they stay open).
     */
    public static final String CLOSE_CONNECTIONS_ON_CLOSE = "closeConnectionsOnClose";
    /** TLS: how the peer's certificate is verified ({@link PeerVerifyMode} name or number; default AutoVerifyPeer). */
    public static final String PEER_VERIFY_MODE = "peerVerifyMode";
    /** TLS: the name the peer's certificate must match, also sent as SNI (String; default: the hostname). */
    public static final String PEER_VERIFY_NAME = "peerVerifyName";
    /** TLS: PEM files of the trusted CA certificates (String[]; default none = the JDK's trust store). */
    public static final String CA_CERTIFICATES = "caCertificates";
    /** TLS: PEM file of the client certificate chain, with {@link #PRIVATE_KEY} (String; default none). */
    public static final String LOCAL_CERTIFICATE = "localCertificate";
    /** TLS: PEM file of the client's private key, PKCS#8 or PKCS#1 (String; default none). */
    public static final String PRIVATE_KEY = "privateKey";
    /**
     * TLS: password of an encrypted {@link #PRIVATE_KEY} (String). A private property (leading
     * dot): never shown in service properties, events, JSON, logs or the shell.
     */
    public static final String PRIVATE_KEY_PASSWORD = ".privateKeyPassword";
    /** TLS: PKCS#12 file holding the client's key and certificate chain, instead of PEM files (String; default none). */
    public static final String KEY_STORE = "keyStore";
    /** TLS: password of {@link #KEY_STORE} (String). A private property, like {@link #PRIVATE_KEY_PASSWORD}. */
    public static final String KEY_STORE_PASSWORD = ".keyStorePassword";
    /** TLS: the protocol versions offered (String[]; default {@code TLSv1.3,TLSv1.2}). */
    public static final String SSL_PROTOCOLS = "sslProtocols";
    /** TLS: the cipher suites offered (String[]; default none = the JDK's). */
    public static final String CIPHER_SUITES = "cipherSuites";
    /** TLS: SHA-256 fingerprints (hex) of which the peer's chain must contain one (String[]; default none = no pinning). */
    public static final String PINNED_PEER_SHA256 = "pinnedPeerSha256";
    /** TLS: ALPN protocol names offered, in order of preference (String[]; default none). */
    public static final String ALPN_PROTOCOLS = "alpnProtocols";
    /** TLS: longest time the handshake may take (int milliseconds; default 10000). */
    public static final String HANDSHAKE_TIMEOUT = "handshakeTimeout";

    /** Number of I/O threads of the shared event loop ({@link SocketPids#EVENT_LOOP}; int, 1 to 64; default 1). */
    public static final String IO_THREADS = "ioThreads";

    private SocketConfig() {
    }
}
