package ipsocket.impl.tcp;

import static ipsocket.api.SocketState.CONNECTED;
import static ipsocket.api.SocketState.CONNECTING;
import static ipsocket.api.SocketState.DISCONNECTED;
import static ipsocket.api.SocketState.HOST_LOOKUP;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ipsocket.api.SocketError;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestServer;

/**
 * Proves automatic (re)connection: autoConnect connects by itself, reconnects after the peer
 * goes away and comes back on the same port, spaces its attempts by the backoff bounds, and
 * stops for disconnectFromHost() or abort() until connectToHost() is called.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpReconnectTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void autoConnectConnectsAndReconnectsAfterTheServerComesBack() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(100);
        socket.setReconnectMaxInterval(400);

        enableAutoConnect(socket, probe, server.host(), server.port());
        probe.awaitConnected(WAIT);
        assertEquals(CONNECTED, socket.getState());

        server.stop();
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        probe.awaitDisconnected(WAIT);
        // it keeps trying while the server is down
        probe.await(() -> probe.errorCount(SocketError.CONNECTION_REFUSED_ERROR) >= 1, WAIT,
                "a refused reconnect attempt");
        int lookupsWhileDown = probe.stateCount(HOST_LOOKUP);
        assertTrue(lookupsWhileDown >= 2, probe::describe);

        server.restart();
        probe.awaitConnected(2, WAIT);
        assertEquals(CONNECTED, socket.getState());
        probe.await(() -> server.acceptedCount() == 2, WAIT, "the restarted server to accept");
        assertEquals(server.port(), socket.getPeerPort());
        // and the new connection carries data
        assertEquals(5, socket.write("again"));
        probe.await(() -> socket.getBytesAvailable() >= 5, WAIT, "echo on the new connection");
    }

    @Test
    void reconnectCountCountsEveryConnectionAfterTheFirstAutomaticAndExplicit() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(100);
        socket.setReconnectMaxInterval(400);
        assertEquals(0, socket.getReconnectCount(), "a new socket");

        enableAutoConnect(socket, probe, server.host(), server.port());
        probe.awaitConnected(WAIT);
        assertEquals(0, socket.getReconnectCount(), "the first connection is no reconnect");

        // the server closes and comes back: autoConnect reconnects, after refused attempts
        server.stop();
        probe.awaitDisconnected(WAIT);
        probe.await(() -> probe.errorCount(SocketError.CONNECTION_REFUSED_ERROR) >= 1, WAIT,
                "a refused reconnect attempt");
        assertEquals(0, socket.getReconnectCount(), "failed attempts are not counted");
        server.restart();
        probe.awaitConnected(2, WAIT);
        assertEquals(1, socket.getReconnectCount(), "the automatic reconnect");

        // the user disconnects and connects again
        socket.disconnectFromHost();
        probe.awaitDisconnected(2, WAIT);
        socket.connectToHost();
        probe.awaitConnected(3, WAIT);
        probe.await(() -> server.acceptedCount() == 3, WAIT, "the third connection accepted");
        assertEquals(2, socket.getReconnectCount(), "the explicit reconnect counts too");
    }

    @Test
    void settingHostnameThenPortOnAnAutoConnectSocketConnectsOnce() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.autoTcpSocket();
        SocketProbe probe = probe(socket);
        assertTrue(socket.isAutoConnect(), "autoConnect is on by default");

        socket.setHostname(server.host());
        probe.assertNotWithin(() -> probe.stateCount(HOST_LOOKUP) > 0, Duration.ofMillis(200),
                "connecting with a hostname but no port");
        socket.setPort(server.port());

        probe.awaitConnected(WAIT);
        probe.assertNotWithin(() -> server.acceptedCount() > 1 || probe.states().size() > 3,
                Duration.ofMillis(300), "a second connection attempt");
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED), probe.states(), probe::describe);
        assertEquals(1, server.acceptedCount());
    }

    @Test
    void hostnameAndPortSetBackToBackOnAnAutoConnectSocketConnectOnce() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.autoTcpSocket();
        SocketProbe probe = probe(socket);

        socket.setHostname(server.host());
        socket.setPort(server.port());

        probe.awaitConnected(WAIT);
        probe.assertNotWithin(() -> server.acceptedCount() > 1 || probe.states().size() > 3,
                Duration.ofMillis(300), "a second connection attempt");
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED), probe.states(), probe::describe);
        assertEquals(1, server.acceptedCount());
    }

    @Test
    void backoffBoundsTheNumberOfAttempts() {
        int min = 100;
        int max = 400;
        Duration window = Duration.ofSeconds(2);
        int port = TestServer.freePort();
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(min);
        socket.setReconnectMaxInterval(max);

        enableAutoConnect(socket, probe, "127.0.0.1", port);
        probe.awaitState(HOST_LOOKUP, WAIT);
        int before = probe.stateCount(HOST_LOOKUP);
        probe.observeFor(window);
        int attempts = probe.stateCount(HOST_LOOKUP) - before + 1;

        long limit = window.toMillis() / min + 2;
        assertTrue(attempts <= limit, attempts + " attempts in " + window.toMillis()
                + " ms with reconnectMinInterval " + min + "\n" + probe.describe());
        assertTrue(attempts >= 2, attempts + " attempts in " + window.toMillis() + " ms\n"
                + probe.describe());
        List<Long> starts = probe.stateTimes(HOST_LOOKUP);
        for (int i = 1; i < starts.size(); i++) {
            long gap = TimeUnit.NANOSECONDS.toMillis(starts.get(i) - starts.get(i - 1));
            assertTrue(gap >= min * 9 / 10, "attempts " + (i - 1) + " and " + i + " only " + gap
                    + " ms apart, reconnectMinInterval " + min);
        }
        assertEquals(0, probe.connectedCount());
        int refused = probe.errorCount(SocketError.CONNECTION_REFUSED_ERROR);
        assertTrue(refused >= attempts - 1, refused + " refusals for " + attempts + " attempts");
        assertEquals(1, probe.propertyChanges("error").size(), "error property changes once: "
                + probe.propertyChanges("error"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"disconnectFromHost", "abort"})
    void userCloseStopsReconnectingUntilConnectToHost(String how) {
        int port = TestServer.freePort();
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(50);
        socket.setReconnectMaxInterval(100);
        enableAutoConnect(socket, probe, "127.0.0.1", port);
        probe.awaitStateCount(HOST_LOOKUP, 2, WAIT);

        close(socket, how);
        probe.await(() -> socket.getState() == DISCONNECTED, WAIT, "Disconnected after " + how);
        int attempts = probe.stateCount(HOST_LOOKUP);
        probe.assertNotWithin(() -> probe.stateCount(HOST_LOOKUP) > attempts,
                Duration.ofMillis(1000), "a reconnect attempt after " + how + "()");
        assertTrue(socket.isAutoConnect(), "the setting itself is unchanged");

        socket.connectToHost();
        probe.awaitStateCount(HOST_LOOKUP, attempts + 2, WAIT);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"disconnectFromHost", "abort"})
    void userCloseOfAConnectedSocketDoesNotReconnect(String how) {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(50);
        socket.setReconnectMaxInterval(100);
        enableAutoConnect(socket, probe, server.host(), server.port());
        probe.awaitConnected(WAIT);

        close(socket, how);
        probe.await(() -> socket.getState() == DISCONNECTED, WAIT, "Disconnected after " + how);
        probe.assertNotWithin(() -> probe.stateCount(HOST_LOOKUP) > 1 || server.acceptedCount() > 1,
                Duration.ofMillis(1000), "a reconnect after " + how + "()");

        socket.connectToHost();
        probe.awaitConnected(2, WAIT);
        probe.await(() -> server.acceptedCount() == 2, WAIT, "the server to accept again");
        probe.assertNotWithin(() -> server.acceptedCount() > 2, Duration.ofMillis(200),
                "more than one new connection");
    }

    @Test
    void newPortOnAConnectedAutoConnectSocketReconnects() {
        TestServer first = fixture.startServer(TestServer.Mode.ECHO);
        TestServer second = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        enableAutoConnect(socket, probe, first.host(), first.port());
        probe.awaitConnected(WAIT);

        socket.setPort(second.port());

        probe.awaitConnected(2, WAIT);
        probe.await(() -> second.acceptedCount() == 1, WAIT, "connection to the new port");
        assertEquals(second.port(), socket.getPeerPort());
        first.awaitConnection(WAIT).awaitEnd(WAIT);
    }

    /**
     * Sets hostname and port while autoConnect is off, waits until the socket has announced
     * both (so that no earlier setter is still being processed), then turns autoConnect on:
     * the socket must connect by itself from there, exactly once.
     */
    private static void enableAutoConnect(TcpSocketImpl socket, SocketProbe probe, String host,
            int port) {
        socket.setHostname(host);
        socket.setPort(port);
        probe.await(() -> !probe.propertyChanges("hostname").isEmpty()
                && !probe.propertyChanges("port").isEmpty(), WAIT, "hostname and port announced");
        socket.setAutoConnect(true);
    }

    private static void close(TcpSocketImpl socket, String how) {
        if (how.equals("abort")) {
            socket.abort();
        } else {
            socket.disconnectFromHost();
        }
    }
}
