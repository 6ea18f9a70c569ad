package ipsocket.impl.common;

import java.util.ArrayList;
import java.util.List;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.PeerVerifyMode;
import ipsocket.api.SocketConfig;

/**
 * The writable properties of the sockets, with defaults and ranges: the single source for the
 * setters, {@code serializeProperties()}, JSON and configuration.
 */
public final class SocketProperties {
    /** Upper bound of {@link #MAX_LINE_LENGTH}. */
    public static final int MAX_LINE_LENGTH_LIMIT = 16 * 1024 * 1024;

    public static final PropertyDef<String> PARENT = PropertyDef.text(SocketConfig.PARENT, "");
    public static final PropertyDef<String> HOSTNAME = PropertyDef.text(SocketConfig.HOSTNAME, "");
    public static final PropertyDef<Integer> PORT = PropertyDef.anyInteger(SocketConfig.PORT, -1);
    public static final PropertyDef<NetworkProtocol> PROTOCOL = PropertyDef.protocol(SocketConfig.PROTOCOL);
    public static final PropertyDef<Boolean> AUTO_CONNECT = PropertyDef.flag(SocketConfig.AUTO_CONNECT, true);
    public static final PropertyDef<Boolean> KEEP_ALIVE = PropertyDef.flag(SocketConfig.KEEP_ALIVE, false);
    public static final PropertyDef<Boolean> LOW_DELAY = PropertyDef.flag(SocketConfig.LOW_DELAY, false);
    public static final PropertyDef<Boolean> MULTICAST_LOOPBACK =
            PropertyDef.flag(SocketConfig.MULTICAST_LOOPBACK, false);
    public static final PropertyDef<Integer> MULTICAST_TTL =
            PropertyDef.integer(SocketConfig.MULTICAST_TTL, 0, 0, 255, null);
    public static final PropertyDef<Integer> PATH_MTU =
            PropertyDef.integer(SocketConfig.PATH_MTU, 0, 1280, 65535, 0);
    public static final PropertyDef<Integer> RECEIVE_BUFFER_SIZE =
            PropertyDef.integer(SocketConfig.RECEIVE_BUFFER_SIZE, 0, 0, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> SEND_BUFFER_SIZE =
            PropertyDef.integer(SocketConfig.SEND_BUFFER_SIZE, 0, 0, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> TYPE_OF_SERVICE =
            PropertyDef.integer(SocketConfig.TYPE_OF_SERVICE, 0, 0, 255, null);
    public static final PropertyDef<String> LOCAL_ADDRESS =
            PropertyDef.checkedText(SocketConfig.LOCAL_ADDRESS, "", IpLiterals::requireLiteral);
    public static final PropertyDef<Integer> LOCAL_PORT =
            PropertyDef.integer(SocketConfig.LOCAL_PORT, 0, 0, 65535, null);
    public static final PropertyDef<Integer> CONNECT_TIMEOUT =
            PropertyDef.integer(SocketConfig.CONNECT_TIMEOUT, 30_000, 1, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> RECONNECT_MIN_INTERVAL =
            PropertyDef.integer(SocketConfig.RECONNECT_MIN_INTERVAL, 1_000, 1, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> RECONNECT_MAX_INTERVAL =
            PropertyDef.integer(SocketConfig.RECONNECT_MAX_INTERVAL, 60_000, 1, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> READ_BUFFER_LIMIT =
            PropertyDef.integer(SocketConfig.READ_BUFFER_LIMIT, 1 << 20, 1, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> WRITE_BUFFER_LIMIT =
            PropertyDef.integer(SocketConfig.WRITE_BUFFER_LIMIT, 1 << 20, 1, Integer.MAX_VALUE, null);
    public static final PropertyDef<Integer> MAX_LINE_LENGTH =
            PropertyDef.integer(SocketConfig.MAX_LINE_LENGTH, 65_535, 1, MAX_LINE_LENGTH_LIMIT, null);
    public static final PropertyDef<Boolean> READ_ONLY = PropertyDef.flag(SocketConfig.READ_ONLY, false);
    public static final PropertyDef<Boolean> PUBLISH_DATA = PropertyDef.flag(SocketConfig.PUBLISH_DATA, false);

    public static final PropertyDef<Integer> KEEP_ALIVE_IDLE =
            PropertyDef.integer(SocketConfig.KEEP_ALIVE_IDLE, 0, 0, 32_767, null);
    public static final PropertyDef<Integer> KEEP_ALIVE_INTERVAL =
            PropertyDef.integer(SocketConfig.KEEP_ALIVE_INTERVAL, 0, 0, 32_767, null);
    public static final PropertyDef<Integer> KEEP_ALIVE_COUNT =
            PropertyDef.integer(SocketConfig.KEEP_ALIVE_COUNT, 0, 0, 127, null);
    public static final PropertyDef<Integer> LINGER = PropertyDef.integer(SocketConfig.LINGER, -1, 0, 65_535, -1);
    public static final PropertyDef<Integer> CONNECTION_ATTEMPT_DELAY =
            PropertyDef.integer(SocketConfig.CONNECTION_ATTEMPT_DELAY, 250, 10, 2_000, null);

    public static final PropertyDef<List<String>> MULTICAST_GROUPS =
            PropertyDef.textList(SocketConfig.MULTICAST_GROUPS, IpLiterals::requireMulticast);
    public static final PropertyDef<String> MULTICAST_INTERFACE =
            PropertyDef.text(SocketConfig.MULTICAST_INTERFACE, "");
    public static final PropertyDef<Boolean> BROADCAST = PropertyDef.flag(SocketConfig.BROADCAST, false);
    public static final PropertyDef<Integer> RECEIVE_QUEUE_LIMIT =
            PropertyDef.integer(SocketConfig.RECEIVE_QUEUE_LIMIT, 1024, 1, 1 << 20, null);

    /** The address a server listens on: loopback unless configured (empty means loopback too). */
    public static final PropertyDef<String> SERVER_LOCAL_ADDRESS =
            PropertyDef.checkedText(SocketConfig.LOCAL_ADDRESS, "127.0.0.1", IpLiterals::requireLiteral);
    /** The port a server listens on; required, so the default -1 stands for "not configured". */
    public static final PropertyDef<Integer> SERVER_LOCAL_PORT =
            PropertyDef.integer(SocketConfig.LOCAL_PORT, -1, 0, 65535, -1);
    public static final PropertyDef<Integer> MAX_PENDING_CONNECTIONS =
            PropertyDef.integer(SocketConfig.MAX_PENDING_CONNECTIONS, 30, 1, 65535, null);
    public static final PropertyDef<Integer> MAX_CONNECTIONS =
            PropertyDef.integer(SocketConfig.MAX_CONNECTIONS, 64, 1, 1 << 20, null);
    public static final PropertyDef<List<String>> ALLOWED_PEERS =
            PropertyDef.textList(SocketConfig.ALLOWED_PEERS, CidrBlock::require);
    public static final PropertyDef<Boolean> CLOSE_CONNECTIONS_ON_CLOSE =
            PropertyDef.flag(SocketConfig.CLOSE_CONNECTIONS_ON_CLOSE, false);
    public static final PropertyDef<PeerVerifyMode> PEER_VERIFY_MODE =
            PropertyDef.peerVerifyMode(SocketConfig.PEER_VERIFY_MODE);
    public static final PropertyDef<String> PEER_VERIFY_NAME = PropertyDef.text(SocketConfig.PEER_VERIFY_NAME, "");
    public static final PropertyDef<List<String>> CA_CERTIFICATES =
            PropertyDef.textList(SocketConfig.CA_CERTIFICATES, List.of());
    public static final PropertyDef<String> LOCAL_CERTIFICATE = PropertyDef.text(SocketConfig.LOCAL_CERTIFICATE, "");
    public static final PropertyDef<String> PRIVATE_KEY = PropertyDef.text(SocketConfig.PRIVATE_KEY, "");
    public static final PropertyDef<String> KEY_STORE = PropertyDef.text(SocketConfig.KEY_STORE, "");
    public static final PropertyDef<List<String>> SSL_PROTOCOLS =
            PropertyDef.textList(SocketConfig.SSL_PROTOCOLS, List.of("TLSv1.3", "TLSv1.2"));
    public static final PropertyDef<List<String>> CIPHER_SUITES =
            PropertyDef.textList(SocketConfig.CIPHER_SUITES, List.of());
    public static final PropertyDef<List<String>> PINNED_PEER_SHA256 =
            PropertyDef.textList(SocketConfig.PINNED_PEER_SHA256, Fingerprints::normalize);
    public static final PropertyDef<List<String>> ALPN_PROTOCOLS =
            PropertyDef.textList(SocketConfig.ALPN_PROTOCOLS, List.of());
    public static final PropertyDef<Integer> HANDSHAKE_TIMEOUT =
            PropertyDef.integer(SocketConfig.HANDSHAKE_TIMEOUT, 10_000, 1, Integer.MAX_VALUE, null);

    /** Properties of every socket. */
    public static final List<PropertyDef<?>> COMMON = List.of(HOSTNAME, PORT, PROTOCOL, AUTO_CONNECT,
            KEEP_ALIVE, LOW_DELAY, MULTICAST_LOOPBACK, MULTICAST_TTL, PATH_MTU, RECEIVE_BUFFER_SIZE,
            SEND_BUFFER_SIZE, TYPE_OF_SERVICE, LOCAL_ADDRESS, LOCAL_PORT, CONNECT_TIMEOUT,
            RECONNECT_MIN_INTERVAL, RECONNECT_MAX_INTERVAL, READ_BUFFER_LIMIT, WRITE_BUFFER_LIMIT,
            MAX_LINE_LENGTH, READ_ONLY, PUBLISH_DATA, PARENT);

    /** Properties of TCP sockets. */
    public static final List<PropertyDef<?>> TCP = concat(COMMON, List.of(KEEP_ALIVE_IDLE,
            KEEP_ALIVE_INTERVAL, KEEP_ALIVE_COUNT, LINGER, CONNECTION_ATTEMPT_DELAY));

    /** Properties of UDP sockets. */
    public static final List<PropertyDef<?>> UDP = concat(COMMON, List.of(MULTICAST_GROUPS,
            MULTICAST_INTERFACE, BROADCAST, RECEIVE_QUEUE_LIMIT));

    /** The TCP socket options a server gives each connection it accepts (and changes on them live). */
    public static final List<PropertyDef<?>> ACCEPTED_OPTIONS = List.of(KEEP_ALIVE, LOW_DELAY, RECEIVE_BUFFER_SIZE,
            SEND_BUFFER_SIZE, TYPE_OF_SERVICE, PUBLISH_DATA, READ_BUFFER_LIMIT, WRITE_BUFFER_LIMIT, MAX_LINE_LENGTH,
            KEEP_ALIVE_IDLE, KEEP_ALIVE_INTERVAL, KEEP_ALIVE_COUNT);

    /** Properties of TCP servers: where and how they listen, then the options of accepted connections. */
    public static final List<PropertyDef<?>> TCP_SERVER = concat(List.of(SERVER_LOCAL_ADDRESS, SERVER_LOCAL_PORT,
            MAX_PENDING_CONNECTIONS, MAX_CONNECTIONS, ALLOWED_PEERS, CLOSE_CONNECTIONS_ON_CLOSE), ACCEPTED_OPTIONS);
    /** Properties of TLS sockets: the TCP ones and the TLS ones. The passwords are no properties: write-only. */
    public static final List<PropertyDef<?>> SSL = concat(TCP, List.of(PEER_VERIFY_MODE, PEER_VERIFY_NAME,
            CA_CERTIFICATES, LOCAL_CERTIFICATE, PRIVATE_KEY, KEY_STORE, SSL_PROTOCOLS, CIPHER_SUITES,
            PINNED_PEER_SHA256, ALPN_PROTOCOLS, HANDSHAKE_TIMEOUT));

    private static final PropertyLayout TCP_LAYOUT = new PropertyLayout(TCP);
    private static final PropertyLayout SSL_LAYOUT = new PropertyLayout(SSL);
    private static final PropertyLayout UDP_LAYOUT = new PropertyLayout(UDP);

    private SocketProperties() {
    }

    /**
     * Returns the shared layout of one kind of socket's values.
     *
     * @param definitions {@link #TCP}, {@link #SSL} or {@link #UDP} (shared), or another list
     * @return the layout
     */
    static PropertyLayout layout(List<PropertyDef<?>> definitions) {
        if (definitions == TCP) {
            return TCP_LAYOUT;
        }
        if (definitions == SSL) {
            return SSL_LAYOUT;
        }
        return definitions == UDP ? UDP_LAYOUT : new PropertyLayout(definitions);
    }

    private static List<PropertyDef<?>> concat(List<PropertyDef<?>> first, List<PropertyDef<?>> second) {
        List<PropertyDef<?>> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }
}
