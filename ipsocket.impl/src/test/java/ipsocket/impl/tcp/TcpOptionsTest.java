package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.connect;
import static ipsocket.impl.testing.SocketFixture.probe;
import static java.net.StandardSocketOptions.IP_TOS;
import static java.net.StandardSocketOptions.SO_KEEPALIVE;
import static java.net.StandardSocketOptions.SO_LINGER;
import static java.net.StandardSocketOptions.SO_RCVBUF;
import static java.net.StandardSocketOptions.SO_SNDBUF;
import static java.net.StandardSocketOptions.TCP_NODELAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestServer;

/**
 * Proves that socket options reach the operating-system socket, whether set before connecting
 * or changed on a live connection, and that setters reject values outside their documented
 * range with an IllegalArgumentException naming property and value, changing nothing.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpOptionsTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void defaultsAreTheSeedsAndReachTheOsSocket() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        assertEquals(false, socket.isKeepAlive());
        assertEquals(false, socket.isLowDelay());
        assertEquals(0, socket.getTypeOfService());
        assertEquals(0, socket.getReceiveBufferSize());
        assertEquals(0, socket.getSendBufferSize());
        assertEquals(-1, socket.getLinger());
        assertEquals(-1, socket.getPort());
        assertEquals("", socket.getHostname());
        assertEquals(NetworkProtocol.ANY_IP_PROTOCOL, socket.getProtocol());
        assertEquals(30000, socket.getConnectTimeout());
        assertEquals(1 << 20, socket.getReadBufferLimit());
        assertEquals(1 << 20, socket.getWriteBufferLimit());
        assertEquals(65535, socket.getMaxLineLength());

        connect(socket, probe, server);

        assertEquals(false, socket.osOption(TCP_NODELAY));
        assertEquals(false, socket.osOption(SO_KEEPALIVE));
        assertEquals(-1, socket.osOption(SO_LINGER));
        assertEquals(0, socket.osOption(IP_TOS));
    }

    @Test
    void optionsSetBeforeConnectingAreOnTheOsSocket() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setLowDelay(true);
        socket.setKeepAlive(true);
        socket.setTypeOfService(0x10);
        socket.setReceiveBufferSize(32 * 1024);
        socket.setSendBufferSize(32 * 1024);
        socket.setLinger(5);
        socket.setKeepAliveIdle(30);
        socket.setKeepAliveInterval(5);
        socket.setKeepAliveCount(4);

        connect(socket, probe, server);

        assertEquals(true, socket.osOption(TCP_NODELAY));
        assertEquals(true, socket.osOption(SO_KEEPALIVE));
        assertEquals(0x10, socket.osOption(IP_TOS));
        assertAtLeast(32 * 1024, socket.osOption(SO_RCVBUF), "SO_RCVBUF");
        assertAtLeast(32 * 1024, socket.osOption(SO_SNDBUF), "SO_SNDBUF");
        assertEquals(5, socket.osOption(SO_LINGER));
        assumeKeepAliveTuning();
        assertEquals(30, socket.osOption(extended("TCP_KEEPIDLE")));
        assertEquals(5, socket.osOption(extended("TCP_KEEPINTERVAL")));
        assertEquals(4, socket.osOption(extended("TCP_KEEPCOUNT")));
    }

    @Test
    void optionsChangedOnALiveConnectionReachTheOsSocket() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReceiveBufferSize(16 * 1024);
        socket.setSendBufferSize(16 * 1024);
        connect(socket, probe, server);
        // the kernel may double what was asked (Linux does): go well above that
        int bigger = Math.max(4 * socket.osOption(SO_RCVBUF), 4 * socket.osOption(SO_SNDBUF));

        socket.setLowDelay(true);
        socket.setKeepAlive(true);
        socket.setTypeOfService(0x08);
        socket.setReceiveBufferSize(bigger);
        socket.setSendBufferSize(bigger);
        socket.setLinger(0);

        awaitOs(socket, probe, TCP_NODELAY, v -> v, true);
        awaitOs(socket, probe, SO_KEEPALIVE, v -> v, true);
        awaitOs(socket, probe, IP_TOS, v -> v == 0x08, true);
        awaitOs(socket, probe, SO_RCVBUF, v -> v >= bigger, true);
        awaitOs(socket, probe, SO_SNDBUF, v -> v >= bigger, true);
        awaitOs(socket, probe, SO_LINGER, v -> v == 0, true);

        socket.setLowDelay(false);
        socket.setKeepAlive(false);
        socket.setLinger(-1);
        awaitOs(socket, probe, TCP_NODELAY, v -> !v, true);
        awaitOs(socket, probe, SO_KEEPALIVE, v -> !v, true);
        awaitOs(socket, probe, SO_LINGER, v -> v == -1, true);
        assertEquals(SocketState.CONNECTED, socket.getState(), "options change without reconnecting");
        server.awaitConnection(WAIT);
        assertEquals(1, server.acceptedCount());
        assertEquals(1, probe.connectedCount());
    }

    @Test
    void keepAliveTuningChangedOnALiveConnectionReachesTheOsSocket() {
        assumeKeepAliveTuning();
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setKeepAlive(true);
        connect(socket, probe, server);

        socket.setKeepAliveIdle(60);
        socket.setKeepAliveInterval(10);
        socket.setKeepAliveCount(3);

        awaitOs(socket, probe, extended("TCP_KEEPIDLE"), v -> v == 60, true);
        awaitOs(socket, probe, extended("TCP_KEEPINTERVAL"), v -> v == 10, true);
        awaitOs(socket, probe, extended("TCP_KEEPCOUNT"), v -> v == 3, true);
        assertEquals(60, socket.getKeepAliveIdle());
        assertEquals(10, socket.getKeepAliveInterval());
        assertEquals(3, socket.getKeepAliveCount());
    }

    @Test
    void osOptionOfAnUnconnectedSocketIsIllegalState() {
        TcpSocketImpl socket = fixture.tcpSocket();
        assertThrows(IllegalStateException.class, () -> socket.osOption(TCP_NODELAY));
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
                bad("typeOfService", 256, s -> s.setTypeOfService(256), TcpSocketImpl::getTypeOfService),
                bad("typeOfService", -1, s -> s.setTypeOfService(-1), TcpSocketImpl::getTypeOfService),
                bad("multicastTtl", -1, s -> s.setMulticastTtl(-1), TcpSocketImpl::getMulticastTtl),
                bad("multicastTtl", 256, s -> s.setMulticastTtl(256), TcpSocketImpl::getMulticastTtl),
                bad("localPort", 70000, s -> s.setLocalPort(70000), TcpSocketImpl::getLocalPort),
                bad("localPort", -1, s -> s.setLocalPort(-1), TcpSocketImpl::getLocalPort),
                bad("connectTimeout", 0, s -> s.setConnectTimeout(0), TcpSocketImpl::getConnectTimeout),
                bad("reconnectMinInterval", 0, s -> s.setReconnectMinInterval(0),
                        TcpSocketImpl::getReconnectMinInterval),
                bad("reconnectMaxInterval", 0, s -> s.setReconnectMaxInterval(0),
                        TcpSocketImpl::getReconnectMaxInterval),
                bad("readBufferLimit", 0, s -> s.setReadBufferLimit(0), TcpSocketImpl::getReadBufferLimit),
                bad("writeBufferLimit", 0, s -> s.setWriteBufferLimit(0),
                        TcpSocketImpl::getWriteBufferLimit),
                bad("maxLineLength", 0, s -> s.setMaxLineLength(0), TcpSocketImpl::getMaxLineLength),
                bad("maxLineLength", 16777217, s -> s.setMaxLineLength(16777217),
                        TcpSocketImpl::getMaxLineLength),
                bad("receiveBufferSize", -1, s -> s.setReceiveBufferSize(-1),
                        TcpSocketImpl::getReceiveBufferSize),
                bad("sendBufferSize", -1, s -> s.setSendBufferSize(-1), TcpSocketImpl::getSendBufferSize),
                bad("pathMtu", 1279, s -> s.setPathMtu(1279), TcpSocketImpl::getPathMtu),
                bad("pathMtu", 65536, s -> s.setPathMtu(65536), TcpSocketImpl::getPathMtu),
                bad("pathMtu", -1, s -> s.setPathMtu(-1), TcpSocketImpl::getPathMtu),
                bad("keepAliveIdle", -1, s -> s.setKeepAliveIdle(-1), TcpSocketImpl::getKeepAliveIdle),
                bad("keepAliveIdle", 32768, s -> s.setKeepAliveIdle(32768),
                        TcpSocketImpl::getKeepAliveIdle),
                bad("keepAliveInterval", 32768, s -> s.setKeepAliveInterval(32768),
                        TcpSocketImpl::getKeepAliveInterval),
                bad("keepAliveCount", 128, s -> s.setKeepAliveCount(128),
                        TcpSocketImpl::getKeepAliveCount),
                bad("linger", -2, s -> s.setLinger(-2), TcpSocketImpl::getLinger),
                bad("linger", 65536, s -> s.setLinger(65536), TcpSocketImpl::getLinger),
                bad("connectionAttemptDelay", 9, s -> s.setConnectionAttemptDelay(9),
                        TcpSocketImpl::getConnectionAttemptDelay),
                bad("connectionAttemptDelay", 2001, s -> s.setConnectionAttemptDelay(2001),
                        TcpSocketImpl::getConnectionAttemptDelay));
    }

    private static Arguments bad(String property, int value, Consumer<TcpSocketImpl> setter,
            Function<TcpSocketImpl, Object> getter) {
        return Arguments.of(property, value, setter, getter);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("outOfRange")
    void settersRejectValuesOutOfRange(String property, int value, Consumer<TcpSocketImpl> setter,
            Function<TcpSocketImpl, Object> getter) {
        TcpSocketImpl socket = fixture.tcpSocket();
        Object before = getter.apply(socket);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> setter.accept(socket));

        String message = Objects.toString(e.getMessage(), "");
        assertTrue(message.toLowerCase(Locale.ROOT).contains(property.toLowerCase(Locale.ROOT)),
                "message names the property " + property + ": " + message);
        assertTrue(message.contains(String.valueOf(value)), "message names the value " + value
                + ": " + message);
        assertEquals(before, getter.apply(socket), "a rejected value changes nothing");
    }

    static Stream<Arguments> boundaries() {
        return Stream.of(
                ok("typeOfService", 0, s -> s.setTypeOfService(0), TcpSocketImpl::getTypeOfService),
                ok("typeOfService", 255, s -> s.setTypeOfService(255), TcpSocketImpl::getTypeOfService),
                ok("multicastTtl", 255, s -> s.setMulticastTtl(255), TcpSocketImpl::getMulticastTtl),
                ok("localPort", 65535, s -> s.setLocalPort(65535), TcpSocketImpl::getLocalPort),
                ok("localPort", 0, s -> s.setLocalPort(0), TcpSocketImpl::getLocalPort),
                ok("connectTimeout", 1, s -> s.setConnectTimeout(1), TcpSocketImpl::getConnectTimeout),
                ok("maxLineLength", 16777216, s -> s.setMaxLineLength(16777216),
                        TcpSocketImpl::getMaxLineLength),
                ok("pathMtu", 1280, s -> s.setPathMtu(1280), TcpSocketImpl::getPathMtu),
                ok("pathMtu", 65535, s -> s.setPathMtu(65535), TcpSocketImpl::getPathMtu),
                ok("keepAliveIdle", 32767, s -> s.setKeepAliveIdle(32767),
                        TcpSocketImpl::getKeepAliveIdle),
                ok("keepAliveCount", 127, s -> s.setKeepAliveCount(127), TcpSocketImpl::getKeepAliveCount),
                ok("linger", 65535, s -> s.setLinger(65535), TcpSocketImpl::getLinger),
                ok("linger", -1, s -> s.setLinger(-1), TcpSocketImpl::getLinger),
                ok("connectionAttemptDelay", 10, s -> s.setConnectionAttemptDelay(10),
                        TcpSocketImpl::getConnectionAttemptDelay),
                ok("connectionAttemptDelay", 2000, s -> s.setConnectionAttemptDelay(2000),
                        TcpSocketImpl::getConnectionAttemptDelay),
                ok("port", 70000, s -> s.setPort(70000), TcpSocketImpl::getPort),
                ok("port", 0, s -> s.setPort(0), TcpSocketImpl::getPort));
    }

    private static Arguments ok(String property, int value, Consumer<TcpSocketImpl> setter,
            Function<TcpSocketImpl, Object> getter) {
        return Arguments.of(property, value, setter, getter);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("boundaries")
    void settersAcceptTheirRangeBoundaries(String property, int value,
            Consumer<TcpSocketImpl> setter, Function<TcpSocketImpl, Object> getter) {
        TcpSocketImpl socket = fixture.tcpSocket();
        setter.accept(socket);
        assertEquals(value, getter.apply(socket), property);
    }

    @Test
    void otherInvalidArgumentsAreRejected() {
        TcpSocketImpl socket = fixture.tcpSocket();
        assertThrows(IllegalArgumentException.class, () -> socket.setProtocol(null));
        assertThrows(IllegalArgumentException.class,
                () -> socket.setProtocol(NetworkProtocol.UNKNOWN_PROTOCOL));
        assertEquals(NetworkProtocol.ANY_IP_PROTOCOL, socket.getProtocol());
        assertThrows(IllegalArgumentException.class, () -> socket.setState(SocketState.BOUND));
        assertThrows(IllegalArgumentException.class, () -> socket.setState(null));
        assertThrows(IllegalArgumentException.class, () -> socket.setNameArgument("no-port"));
        assertThrows(IllegalArgumentException.class, () -> socket.setNameArgument("host:abc"));
        assertEquals(SocketState.DISCONNECTED, socket.getState());
    }

    @Test
    void nameArgumentSetsHostnameAndPort() {
        TcpSocketImpl socket = fixture.tcpSocket();
        socket.setNameArgument("[::1]:502");
        assertEquals("::1", socket.getHostname());
        assertEquals(502, socket.getPort());
        assertEquals("[::1]:502", socket.getNameArgument());
        socket.setNameArgument("plc.local:1502");
        assertEquals("plc.local", socket.getHostname());
        assertEquals(1502, socket.getPort());
        assertEquals("plc.local:1502", socket.getNameArgument());
    }

    // ---- helpers ----

    private static void assertAtLeast(int expected, int actual, String option) {
        assertTrue(actual >= expected, option + " is " + actual + ", asked for " + expected);
    }

    private static <T> void awaitOs(TcpSocketImpl socket, SocketProbe probe, SocketOption<T> option,
            Function<T, Boolean> check, boolean expected) {
        probe.await(() -> check.apply(socket.osOption(option)) == expected, WAIT,
                option.name() + " on the OS socket (was " + socket.osOption(option) + " when the wait began)");
    }

    private static void assumeKeepAliveTuning() {
        assumeTrue(findExtended("TCP_KEEPIDLE") != null && findExtended("TCP_KEEPINTERVAL") != null
                && findExtended("TCP_KEEPCOUNT") != null,
                "the platform has no TCP_KEEPIDLE/TCP_KEEPINTERVAL/TCP_KEEPCOUNT");
    }

    private static SocketOption<Integer> extended(String name) {
        SocketOption<Integer> option = findExtended(name);
        assumeTrue(option != null, name + " is not supported here");
        return option;
    }

    @SuppressWarnings("unchecked")
    private static SocketOption<Integer> findExtended(String name) {
        try (SocketChannel channel = SocketChannel.open()) {
            for (SocketOption<?> option : channel.supportedOptions()) {
                if (option.name().equals(name) && option.type() == Integer.class) {
                    return (SocketOption<Integer>) option;
                }
            }
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
