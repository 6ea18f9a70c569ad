package ipsocket.impl.tcp;

import static ipsocket.api.SocketState.CLOSING;
import static ipsocket.api.SocketState.CONNECTED;
import static ipsocket.api.SocketState.CONNECTING;
import static ipsocket.api.SocketState.DISCONNECTED;
import static ipsocket.api.SocketState.HOST_LOOKUP;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.connect;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.SocketProbe.Kind;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.TestServer.Connection;

/**
 * Proves the TCP state machine against real loopback peers: the Qt sequence HostLookup ->
 * Connecting -> Connected -> Closing -> Disconnected with its signals, and every error that a
 * loopback setup can produce, with its value, state sequence and error text.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpStateMachineTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @ParameterizedTest(name = "hostname {0}")
    @ValueSource(strings = {"127.0.0.1", "localhost"})
    void connectAndDisconnectFollowTheQtSequence(String hostname) {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        assertConnectDisconnectSequence(server, hostname);
    }

    @Test
    void connectAndDisconnectOverIpv6Loopback() {
        InetAddress v6 = TestServer.ipv6LoopbackOrNull();
        assumeTrue(v6 != null, "IPv6 loopback ::1 is not available here");
        TestServer server = fixture.startServer(v6, TestServer.Mode.ECHO);
        TcpSocketImpl socket = assertConnectDisconnectSequence(server, "::1");
        assertTrue(socket.getNameArgument().contains("[::1]"), socket.getNameArgument());
    }

    private TcpSocketImpl assertConnectDisconnectSequence(TestServer server, String hostname) {
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        assertEquals(DISCONNECTED, socket.getState());

        socket.connectToHost(hostname, server.port());
        probe.awaitConnected(WAIT);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED), probe.states(), probe::describe);
        assertEquals(1, probe.connectedCount(), probe::describe);
        assertEquals(CONNECTED, socket.getState());
        assertEquals(SocketError.NO_ERROR, socket.getError());
        assertEquals("", socket.getErrorString());
        assertEquals(List.of(), probe.errors(), probe::describe);
        assertEventOrder(probe, Kind.STATE, CONNECTED, Kind.CONNECTED, null);
        assertEquals(server.port(), socket.getPeerPort());
        InetAddress peer = parse(socket.getPeerAddress());
        assertEquals(server.address(), peer, "peer address " + socket.getPeerAddress());
        Connection accepted = server.awaitConnection(WAIT);
        assertEquals(accepted.remotePort(), socket.getLocalPort(),
                "local port is the port the peer sees");
        assertTrue(socket.isOpen());
        assertTrue(socket.isWritable());

        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED, CLOSING, DISCONNECTED),
                probe.states(), probe::describe);
        assertEquals(1, probe.disconnectedCount(), probe::describe);
        assertEventOrder(probe, Kind.STATE, DISCONNECTED, Kind.DISCONNECTED, null);
        assertEquals(DISCONNECTED, socket.getState());
        assertEquals(List.of(), probe.errors(), "a user disconnect is no error");
        assertFalse(socket.isOpen());
        assertEquals("", socket.getPeerAddress());
        assertEquals(0, socket.getPeerPort());
        accepted.awaitEnd(WAIT);
        assertTrue(accepted.sawEof(), "peer sees a graceful close (FIN), not a reset");
        for (String thread : probe.callbackThreads()) {
            assertTrue(thread.startsWith("ipsocket-io-"), "callback on thread " + thread);
        }
        return socket;
    }

    @Test
    void emptyHostnameIsEmptyHostNameError() {
        int port = TestServer.freePort();
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setHostname("");
        socket.setPort(port);
        socket.connectToHost();
        SocketError error = awaitFailure(socket, probe, SocketError.EMPTY_HOST_NAME_ERROR);
        assertEquals(1, error.value());
        assertNeverReachedConnecting(probe);
        assertErrorStringNames(socket, probe, String.valueOf(port));
    }

    @ParameterizedTest(name = "port {0}")
    @ValueSource(ints = {0, 65536, 70000, -1})
    void portOutOfRangeIsPortNumberOutOfRangeError(int port) {
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setHostname("127.0.0.1");
        socket.setPort(port);
        assertEquals(port, socket.getPort(), "an out-of-range port is stored as given");
        socket.connectToHost();
        SocketError error = awaitFailure(socket, probe, SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR);
        assertEquals(2, error.value());
        assertNeverReachedConnecting(probe);
        assertErrorStringNames(socket, probe, String.valueOf(port));
    }

    @Test
    void refusedConnectionIsConnectionRefusedError() {
        int port = TestServer.freePort();
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("127.0.0.1", port);
        SocketError error = awaitFailure(socket, probe, SocketError.CONNECTION_REFUSED_ERROR);
        assertEquals(10, error.value());
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, DISCONNECTED), probe.states(), probe::describe);
        assertEquals(0, probe.connectedCount());
        assertErrorStringNames(socket, probe, "127.0.0.1", String.valueOf(port));
    }

    @ParameterizedTest(name = "peer {0}")
    @ValueSource(strings = {"closes", "resets"})
    void peerCloseWhileConnectedIsRemoteHostClosedThenDisconnected(String how) {
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        connect(socket, probe, server);
        Connection accepted = server.awaitConnection(WAIT);
        int mark = probe.mark();

        if (how.equals("resets")) {
            accepted.reset();
        } else {
            accepted.close();
        }

        probe.awaitDisconnected(WAIT);
        SocketError error = awaitFailure(socket, probe, SocketError.REMOTE_HOST_CLOSED_ERROR);
        assertEquals(11, error.value());
        List<SocketState> after = probe.statesSince(mark);
        assertTrue(after.equals(List.of(DISCONNECTED)) || after.equals(List.of(CLOSING, DISCONNECTED)),
                "after a remote close: " + after + "\n" + probe.describe());
        // the error is reported while still connected, before the state leaves Connected
        assertEventOrder(probe, Kind.ERROR, SocketError.REMOTE_HOST_CLOSED_ERROR, Kind.STATE,
                after.get(0));
        assertEventOrder(probe, Kind.ERROR, SocketError.REMOTE_HOST_CLOSED_ERROR,
                Kind.DISCONNECTED, null);
        assertEquals(1, probe.disconnectedCount(), probe::describe);
        assertErrorStringNames(socket, probe, String.valueOf(server.port()));
    }

    @Test
    void unknownHostIsHostNotFoundError() {
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("nonexistent.invalid", 5020);
        SocketError error = awaitFailure(socket, probe, SocketError.HOST_NOT_FOUND_ERROR);
        assertEquals(12, error.value());
        assertEquals(List.of(HOST_LOOKUP, DISCONNECTED), probe.states(), probe::describe);
        assertErrorStringNames(socket, probe, "nonexistent.invalid", "5020");
    }

    @Test
    void localPortInUseIsAddressInUseError() {
        TestServer target = fixture.startServer(TestServer.Mode.ECHO);
        TestServer holder = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalAddress("127.0.0.1");
        socket.setLocalPort(holder.port());
        socket.connectToHost(target.host(), target.port());
        SocketError error = awaitFailure(socket, probe, SocketError.ADDRESS_IN_USE_ERROR);
        assertEquals(18, error.value());
        assertStartsWithLookupAndNeverConnected(probe);
        assertEquals(0, target.acceptedCount(), "nothing reached the target");
        assertErrorStringNames(socket, probe, String.valueOf(target.port()));
    }

    /**
     * A fixed local port survives a reconnect: the connection closed first by the socket leaves
     * that port in TIME_WAIT, and the next connection must still bind it (issue 14).
     */
    @Test
    void fixedLocalPortReconnectsWhileTheOldConnectionIsInTimeWait() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        int localPort = TestServer.freePort();
        socket.setLocalAddress("127.0.0.1");
        socket.setLocalPort(localPort);
        connect(socket, probe, server);
        assertEquals(localPort, socket.getLocalPort());
        socket.disconnectFromHost(); // the socket closes first: its side goes to TIME_WAIT
        probe.awaitDisconnected(WAIT);
        server.awaitConnection(WAIT).awaitEnd(WAIT);

        socket.connectToHost(); // the same peer: the same four-tuple as the connection in TIME_WAIT
        probe.awaitConnected(2, WAIT);
        assertEquals(localPort, socket.getLocalPort(), probe::describe);
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void foreignLocalAddressIsSocketAddressNotAvailableError() {
        TestServer target = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalAddress("192.0.2.1"); // TEST-NET-1: never an address of this host
        socket.connectToHost(target.host(), target.port());
        SocketError error = awaitFailure(socket, probe,
                SocketError.SOCKET_ADDRESS_NOT_AVAILABLE_ERROR);
        assertEquals(19, error.value());
        assertStartsWithLookupAndNeverConnected(probe);
        assertEquals(0, target.acceptedCount(), "nothing reached the target");
        assertErrorStringNames(socket, probe, String.valueOf(target.port()));
    }

    @Test
    void connectToHostWhileConnectedIsOperationErrorAndChangesNothing() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        connect(socket, probe, server);
        int mark = probe.mark();

        socket.connectToHost();

        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertEquals(29, SocketError.OPERATION_ERROR.value());
        assertEquals(SocketError.OPERATION_ERROR, socket.getError());
        assertEquals(List.of(), probe.statesSince(mark), probe::describe);
        assertEquals(CONNECTED, socket.getState());
        // the kernel completes the handshake before the server's accept() returns
        probe.await(() -> server.acceptedCount() == 1, WAIT, "the server to accept the one connection");
        // the connection still works
        assertEquals(4, socket.write("ping"));
        probe.await(() -> socket.getBytesAvailable() >= 4, WAIT, "echo of ping");
        assertEquals("ping", new String(socket.readAll(), java.nio.charset.StandardCharsets.UTF_8));
        assertFalse(socket.open(), "open() while connected starts nothing");
    }

    @Test
    void repeatedErrorChangesTheErrorPropertyOnceButIsReportedEveryTime() {
        int port = TestServer.freePort();
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setHostname("127.0.0.1");
        socket.setPort(port);

        socket.connectToHost();
        probe.awaitStateCount(DISCONNECTED, 1, WAIT);
        probe.awaitErrorCount(SocketError.CONNECTION_REFUSED_ERROR, 1, WAIT);
        socket.connectToHost();
        probe.awaitStateCount(DISCONNECTED, 2, WAIT);
        probe.awaitErrorCount(SocketError.CONNECTION_REFUSED_ERROR, 2, WAIT);

        assertEquals(2, probe.errorCount(SocketError.CONNECTION_REFUSED_ERROR), probe::describe);
        assertEquals(2, probe.errors().size(), probe::describe);
        List<SocketProbe.PropertyChange> errorChanges = probe.propertyChanges("error");
        assertEquals(1, errorChanges.size(), probe::describe);
        assertEquals(SocketError.CONNECTION_REFUSED_ERROR, errorChanges.get(0).newValue());
        assertEquals(SocketError.CONNECTION_REFUSED_ERROR, socket.getError());
    }

    @Test
    void connectTimeoutIsSocketTimeoutError() throws IOException {
        // A listener with backlog 1 that never accepts: once its queue is full, Linux drops
        // further SYNs, so a new connection attempt hangs until its timeout.
        ServerSocket silent = fixture.silentListener();

        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setConnectTimeout(500);
        long started = System.nanoTime();
        socket.connectToHost("127.0.0.1", silent.getLocalPort());
        SocketError error = awaitFailure(socket, probe, SocketError.SOCKET_TIMEOUT_ERROR);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(15, error.value());
        assertTrue(tookMillis >= 450, "timed out after " + tookMillis + " ms, before the 500 ms timeout");
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, DISCONNECTED), probe.states(), probe::describe);
        assertErrorStringNames(socket, probe, String.valueOf(silent.getLocalPort()));
    }

    // ---- helpers ----

    /** Waits for an error and for the socket to be back in Disconnected; returns the error. */
    private static SocketError awaitFailure(TcpSocketImpl socket, SocketProbe probe,
            SocketError expected) {
        probe.awaitError(expected, WAIT);
        probe.await(() -> socket.getState() == DISCONNECTED, WAIT, "state Disconnected after "
                + expected);
        assertEquals(expected, socket.getError(), probe::describe);
        List<SocketState> states = probe.states();
        if (!states.isEmpty()) {
            assertEquals(DISCONNECTED, states.get(states.size() - 1), probe::describe);
        }
        assertEquals(expected, probe.errors().get(probe.errors().size() - 1), probe::describe);
        assertFalse(socket.isOpen());
        return expected;
    }

    private static void assertNeverReachedConnecting(SocketProbe probe) {
        List<SocketState> states = probe.states();
        assertFalse(states.contains(CONNECTING) || states.contains(CONNECTED),
                "a validation error stops before connecting: " + states);
        assertEquals(0, probe.connectedCount());
    }

    private static void assertStartsWithLookupAndNeverConnected(SocketProbe probe) {
        List<SocketState> states = probe.states();
        assertFalse(states.isEmpty(), probe::describe);
        assertEquals(HOST_LOOKUP, states.get(0), probe::describe);
        assertFalse(states.contains(CONNECTED), probe::describe);
        assertEquals(0, probe.connectedCount());
    }

    private static void assertErrorStringNames(TcpSocketImpl socket, SocketProbe probe,
            String... parts) {
        String property = socket.getErrorString();
        List<String> reported = probe.errorStrings();
        assertFalse(reported.isEmpty(), probe::describe);
        String signalled = reported.get(reported.size() - 1);
        for (String part : parts) {
            assertTrue(property.contains(part), "errorString '" + property + "' names " + part);
            assertNotNull(signalled);
            assertTrue(signalled.contains(part), "errorOccurred text '" + signalled + "' names "
                    + part);
        }
    }

    /** Asserts that the first event (kind, value) comes before the first event (kind, value). */
    private static void assertEventOrder(SocketProbe probe, Kind firstKind, Object firstValue,
            Kind thenKind, Object thenValue) {
        List<SocketProbe.Event> events = probe.events();
        int first = indexOf(events, firstKind, firstValue);
        int then = indexOf(events, thenKind, thenValue);
        assertTrue(first >= 0 && then >= 0 && first < then, firstKind + "(" + firstValue
                + ") before " + thenKind + "(" + thenValue + ")\n" + probe.describe());
    }

    private static int indexOf(List<SocketProbe.Event> events, Kind kind, Object value) {
        for (int i = 0; i < events.size(); i++) {
            SocketProbe.Event event = events.get(i);
            if (event.kind() == kind && (value == null || value.equals(event.value()))) {
                return i;
            }
        }
        return -1;
    }

    private static InetAddress parse(String literal) {
        try {
            InetAddress address = InetAddress.getByName(literal);
            if (literal.contains(":")) {
                assertTrue(address instanceof Inet6Address, literal);
            }
            return address;
        } catch (IOException e) {
            throw new AssertionError("peer address is no IP literal: '" + literal + "'", e);
        }
    }
}
