package ipsocket.api;

/**
 * EventAdmin topics and event property keys of ipsocket.
 *
 * <p>Topics have the form {@code ipsocket/TcpSocket/EVENT}, {@code ipsocket/UdpSocket/EVENT} and
 * {@code ipsocket/SslSocket/EVENT} (the TCP events plus {@link #ENCRYPTED} and {@link #SSL_ERRORS}).
 * Every event carries {@link #OBJECT_ID}, {@link #STATE} (the InCore state name, such as
 * {@code Connected}), {@link #HOSTNAME} and {@link #PORT}. Events about one socket are posted
 * asynchronously ({@code postEvent}) in the order they happened.
 *
 * <p>TCP servers (since 1.1) post on {@code ipsocket/TcpServer/EVENT}: {@link #LISTENING},
 * {@link #NEW_CONNECTION}, {@link #ACCEPT_ERROR} and {@link #CLOSED}, each carrying
 * {@link #OBJECT_ID}, {@link #LOCAL_ADDRESS} and {@link #LOCAL_PORT}. The events of an accepted
 * connection are TcpSocket events carrying {@link #PARENT}, the server's object id.
 *
 * <p>Inbound, an event on {@link #TCP_WRITE} or {@link #UDP_WRITE} with {@link #OBJECT_ID}
 * and {@link #DATA} (byte[] or String) is written by that socket; a write that cannot be done
 * is answered with an {@code ERROR_OCCURRED} event.
 */
public final class SocketEvents {

    /** Prefix shared by every ipsocket topic. */
    public static final String TOPIC_PREFIX = "ipsocket/";
    /** Prefix of the TCP socket topics. */
    public static final String TCP_TOPIC_PREFIX = "ipsocket/TcpSocket/";
    /** Prefix of the UDP socket topics. */
    public static final String UDP_TOPIC_PREFIX = "ipsocket/UdpSocket/";
    /** Prefix of the TCP server topics (since 1.1). */
    public static final String SERVER_TOPIC_PREFIX = "ipsocket/TcpServer/";
    /** Wildcard matching every TCP server event (since 1.1). */
    public static final String SERVER_ALL_TOPICS = "ipsocket/TcpServer/*";
    /** Prefix of the TLS socket topics. */
    public static final String SSL_TOPIC_PREFIX = "ipsocket/SslSocket/";
    /** Wildcard matching every event of every ipsocket socket. */
    public static final String ALL_TOPICS = "ipsocket/*";
    /** Wildcard matching every TCP socket event. */
    public static final String TCP_ALL_TOPICS = "ipsocket/TcpSocket/*";
    /** Wildcard matching every UDP socket event. */
    public static final String UDP_ALL_TOPICS = "ipsocket/UdpSocket/*";

    /** Event name: a connection was established. */
    public static final String CONNECTED = "CONNECTED";
    /** Event name: a connection ended. */
    public static final String DISCONNECTED = "DISCONNECTED";
    /** Event name: an error occurred; adds {@link #ERROR}, {@link #ERROR_CODE}, {@link #ERROR_STRING}. */
    public static final String ERROR_OCCURRED = "ERROR_OCCURRED";
    /** Event name: the state changed. */
    public static final String STATE_CHANGED = "STATE_CHANGED";
    /** Event name: new data is available for reading. */
    public static final String READY_READ = "READY_READ";
    /** Event name: a complete line is available for reading. */
    public static final String LINE_AVAILABLE_FOR_READ = "LINE_AVAILABLE_FOR_READ";
    /** Event name: a property changed; adds {@link #PROPERTY} and {@link #VALUE}. */
    public static final String PROPERTY_CHANGED = "PROPERTY_CHANGED";
    /** Event name: bytes arrived, posted only with {@link SocketConfig#PUBLISH_DATA}; adds {@link #DATA}. */
    public static final String DATA_RECEIVED = "DATA_RECEIVED";
    /** Event name (UDP): a datagram arrived; adds {@link #DATA} and the sender and destination. */
    public static final String DATAGRAM_RECEIVED = "DATAGRAM_RECEIVED";
    /** Server event name (since 1.1): the server listens; carries {@link #LOCAL_ADDRESS} and {@link #LOCAL_PORT}. */
    public static final String LISTENING = "LISTENING";
    /**
     * Server event name (since 1.1): a connection was accepted; adds {@link #CONNECTION},
     * {@link #PEER_ADDRESS} and {@link #PEER_PORT}.
     */
    public static final String NEW_CONNECTION = "NEW_CONNECTION";
    /**
     * Server event name (since 1.1): listening or accepting failed, or a peer was refused; adds
     * {@link #ERROR}, {@link #ERROR_CODE}, {@link #ERROR_STRING} and, when a peer is concerned,
     * {@link #PEER_ADDRESS} and {@link #PEER_PORT}.
     */
    public static final String ACCEPT_ERROR = "ACCEPT_ERROR";
    /** Server event name (since 1.1): the server stopped listening. */
    public static final String CLOSED = "CLOSED";
    /** Event name (TLS): the handshake finished; adds {@link #SSL_PROTOCOL}, {@link #SSL_CIPHER}, {@link #SSL_PEER_SUBJECT}, {@link #SSL_PEER_SHA256}. */
    public static final String ENCRYPTED = "ENCRYPTED";
    /** Event name (TLS): verifying the peer found errors; adds {@link #SSL_ERRORS}. */
    public static final String SSL_ERRORS = "SSL_ERRORS";
    /** Event name of the inbound write request. */
    public static final String WRITE = "WRITE";

    /** Topic {@code ipsocket/TcpSocket/CONNECTED}. */
    public static final String TCP_CONNECTED = TCP_TOPIC_PREFIX + CONNECTED;
    /** Topic {@code ipsocket/TcpSocket/DISCONNECTED}. */
    public static final String TCP_DISCONNECTED = TCP_TOPIC_PREFIX + DISCONNECTED;
    /** Topic {@code ipsocket/TcpSocket/ERROR_OCCURRED}. */
    public static final String TCP_ERROR_OCCURRED = TCP_TOPIC_PREFIX + ERROR_OCCURRED;
    /** Topic {@code ipsocket/TcpSocket/STATE_CHANGED}. */
    public static final String TCP_STATE_CHANGED = TCP_TOPIC_PREFIX + STATE_CHANGED;
    /** Topic {@code ipsocket/TcpSocket/READY_READ}. */
    public static final String TCP_READY_READ = TCP_TOPIC_PREFIX + READY_READ;
    /** Topic {@code ipsocket/TcpSocket/LINE_AVAILABLE_FOR_READ}. */
    public static final String TCP_LINE_AVAILABLE_FOR_READ = TCP_TOPIC_PREFIX + LINE_AVAILABLE_FOR_READ;
    /** Topic {@code ipsocket/TcpSocket/PROPERTY_CHANGED}. */
    public static final String TCP_PROPERTY_CHANGED = TCP_TOPIC_PREFIX + PROPERTY_CHANGED;
    /** Topic {@code ipsocket/TcpSocket/DATA_RECEIVED}. */
    public static final String TCP_DATA_RECEIVED = TCP_TOPIC_PREFIX + DATA_RECEIVED;
    /** Inbound topic {@code ipsocket/TcpSocket/WRITE}. */
    public static final String TCP_WRITE = TCP_TOPIC_PREFIX + WRITE;

    /** Topic {@code ipsocket/UdpSocket/CONNECTED}. */
    public static final String UDP_CONNECTED = UDP_TOPIC_PREFIX + CONNECTED;
    /** Topic {@code ipsocket/UdpSocket/DISCONNECTED}. */
    public static final String UDP_DISCONNECTED = UDP_TOPIC_PREFIX + DISCONNECTED;
    /** Topic {@code ipsocket/UdpSocket/ERROR_OCCURRED}. */
    public static final String UDP_ERROR_OCCURRED = UDP_TOPIC_PREFIX + ERROR_OCCURRED;
    /** Topic {@code ipsocket/UdpSocket/STATE_CHANGED}. */
    public static final String UDP_STATE_CHANGED = UDP_TOPIC_PREFIX + STATE_CHANGED;
    /** Topic {@code ipsocket/UdpSocket/READY_READ}. */
    public static final String UDP_READY_READ = UDP_TOPIC_PREFIX + READY_READ;
    /** Topic {@code ipsocket/UdpSocket/LINE_AVAILABLE_FOR_READ}. */
    public static final String UDP_LINE_AVAILABLE_FOR_READ = UDP_TOPIC_PREFIX + LINE_AVAILABLE_FOR_READ;
    /** Topic {@code ipsocket/UdpSocket/PROPERTY_CHANGED}. */
    public static final String UDP_PROPERTY_CHANGED = UDP_TOPIC_PREFIX + PROPERTY_CHANGED;
    /** Topic {@code ipsocket/UdpSocket/DATA_RECEIVED}. */
    public static final String UDP_DATA_RECEIVED = UDP_TOPIC_PREFIX + DATA_RECEIVED;
    /** Topic {@code ipsocket/UdpSocket/DATAGRAM_RECEIVED}. */
    public static final String UDP_DATAGRAM_RECEIVED = UDP_TOPIC_PREFIX + DATAGRAM_RECEIVED;
    /** Inbound topic {@code ipsocket/UdpSocket/WRITE}. */
    public static final String UDP_WRITE = UDP_TOPIC_PREFIX + WRITE;

    /** Topic {@code ipsocket/TcpServer/LISTENING} (since 1.1). */
    public static final String SERVER_LISTENING = SERVER_TOPIC_PREFIX + LISTENING;
    /** Topic {@code ipsocket/TcpServer/NEW_CONNECTION} (since 1.1). */
    public static final String SERVER_NEW_CONNECTION = SERVER_TOPIC_PREFIX + NEW_CONNECTION;
    /** Topic {@code ipsocket/TcpServer/ACCEPT_ERROR} (since 1.1). */
    public static final String SERVER_ACCEPT_ERROR = SERVER_TOPIC_PREFIX + ACCEPT_ERROR;
    /** Topic {@code ipsocket/TcpServer/CLOSED} (since 1.1). */
    public static final String SERVER_CLOSED = SERVER_TOPIC_PREFIX + CLOSED;
    /** Topic {@code ipsocket/SslSocket/ENCRYPTED}. */
    public static final String SSL_ENCRYPTED = SSL_TOPIC_PREFIX + ENCRYPTED;
    /** Topic {@code ipsocket/SslSocket/SSL_ERRORS}. */
    public static final String SSL_SSL_ERRORS = SSL_TOPIC_PREFIX + SSL_ERRORS;
    /** Topic {@code ipsocket/SslSocket/DATA_RECEIVED}. */
    public static final String SSL_DATA_RECEIVED = SSL_TOPIC_PREFIX + DATA_RECEIVED;
    /** Inbound topic {@code ipsocket/SslSocket/WRITE}. */
    public static final String SSL_WRITE = SSL_TOPIC_PREFIX + WRITE;

    /** Property: the socket's object id (String). */
    public static final String OBJECT_ID = "objectId";
    /** Property: the socket's state, InCore name such as {@code Connected} (String). */
    public static final String STATE = "state";
    /** Property: the socket's hostname (String). */
    public static final String HOSTNAME = "hostname";
    /** Property: the socket's port (Integer). */
    public static final String PORT = "port";
    /** Property of {@code ERROR_OCCURRED}: the error's InCore name such as {@code ConnectionRefusedError} (String). */
    public static final String ERROR = "error";
    /** Property of {@code ERROR_OCCURRED}: the error's InCore value (Integer). */
    public static final String ERROR_CODE = "error.code";
    /** Property of {@code ERROR_OCCURRED}: the error text (String). */
    public static final String ERROR_STRING = "errorString";
    /** Property of {@code PROPERTY_CHANGED}: the property name (String). */
    public static final String PROPERTY = "property";
    /** Property of {@code PROPERTY_CHANGED}: the new value (String, Number, Boolean or String[]). */
    public static final String VALUE = "value";
    /** Property of {@code DATA_RECEIVED}, {@code DATAGRAM_RECEIVED} and {@code WRITE}: the bytes (byte[], a copy). */
    public static final String DATA = "data";
    /**
     * Property (since 1.1): the object id of the object the socket belongs to (String); carried
     * when the socket has a parent, such as the server of an accepted connection.
     */
    public static final String PARENT = "parent";
    /** Property of the server events (since 1.1): the address the server listens on (String). */
    public static final String LOCAL_ADDRESS = "localAddress";
    /** Property of the server events (since 1.1): the port the server listens on (Integer). */
    public static final String LOCAL_PORT = "localPort";
    /** Property of {@code NEW_CONNECTION} (since 1.1): the accepted connection's object id (String). */
    public static final String CONNECTION = "connection";
    /** Property of {@code NEW_CONNECTION} and {@code ACCEPT_ERROR} (since 1.1): the peer's address (String). */
    public static final String PEER_ADDRESS = "peer.address";
    /** Property of {@code NEW_CONNECTION} and {@code ACCEPT_ERROR} (since 1.1): the peer's port (Integer). */
    public static final String PEER_PORT = "peer.port";
    /** Property of {@code DATAGRAM_RECEIVED}: the sender's address (String). */
    public static final String SENDER_ADDRESS = "sender.address";
    /** Property of {@code DATAGRAM_RECEIVED}: the sender's port (Integer). */
    public static final String SENDER_PORT = "sender.port";
    /** Property of {@code DATAGRAM_RECEIVED}: the destination address (String). */
    public static final String DESTINATION_ADDRESS = "destination.address";
    /** Property of {@code DATAGRAM_RECEIVED}: the destination port (Integer). */
    public static final String DESTINATION_PORT = "destination.port";

    /** Property of {@code ENCRYPTED}: the negotiated protocol, such as {@code TLSv1.3} (String). */
    public static final String SSL_PROTOCOL = "ssl.protocol";
    /** Property of {@code ENCRYPTED}: the negotiated cipher suite (String). */
    public static final String SSL_CIPHER = "ssl.cipher";
    /** Property of {@code ENCRYPTED}: the subject of the peer's certificate, empty if none (String). */
    public static final String SSL_PEER_SUBJECT = "ssl.peer.subject";
    /** Property of {@code ENCRYPTED}: the SHA-256 fingerprint (hex) of the peer's certificate, empty if none (String). */
    public static final String SSL_PEER_SHA256 = "ssl.peer.sha256";
    /** Property of {@code SSL_ERRORS}: the verification errors (String[]). */
    public static final String SSL_ERRORS_LIST = "ssl.errors";

    private SocketEvents() {
    }
}
