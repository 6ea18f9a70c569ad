package ipsocket.reliability.fault;

import static ipsocket.api.SocketState.CONNECTING;
import static ipsocket.api.SocketState.DISCONNECTED;
import static ipsocket.api.SocketState.HOST_LOOKUP;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * Faults while connecting, on this machine only: a loopback port nothing listens on, and a
 * host name in the reserved {@code .invalid} domain (RFC 6761), which never resolves.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectFaultsIT {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final int MIN_INTERVAL = 100;
    private static final int MAX_INTERVAL = 800;
    private static final Duration WINDOW = Duration.ofSeconds(4);

    /**
     * Fault 1: connection refused. Every automatic attempt reports ConnectionRefusedError (10)
     * and the attempts are spaced by the backoff: never closer than the lower bound, so at most
     * window / lower bound + 2 of them, and they stop at abort().
     */
    @Test
    void refusedConnectionsAreReportedAndRetriedWithinTheBackoff() throws IOException {
        int port = closedLoopbackPort();
        TcpSocketImpl socket = fixture.tcpSocket("refused", true);
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(MIN_INTERVAL);
        socket.setReconnectMaxInterval(MAX_INTERVAL);

        long start = System.nanoTime();
        socket.connectToHost("127.0.0.1", port);
        probe.awaitError(SocketError.CONNECTION_REFUSED_ERROR, WAIT);
        long firstError = probe.events(SocketProbe.Kind.ERROR).get(0).nanos();
        probe.observeFor(WINDOW);
        long end = System.nanoTime();

        List<Long> attempts = probe.stateTimes(HOST_LOOKUP);
        List<SocketError> errors = probe.errors();
        assertTrue(errors.stream().allMatch(e -> e == SocketError.CONNECTION_REFUSED_ERROR), probe::describe);
        assertEquals(SocketError.CONNECTION_REFUSED_ERROR, socket.getError());
        assertTrue(socket.getErrorString().contains(String.valueOf(port)), socket.getErrorString());
        long windowMillis = Await.millisBetween(start, end);
        long bound = windowMillis / MIN_INTERVAL + 2;
        assertTrue(attempts.size() <= bound, "attempts " + attempts.size() + " > " + bound + "\n" + probe.describe());
        assertTrue(attempts.size() >= 3, "autoConnect kept trying: " + probe.describe());
        long minGap = Long.MAX_VALUE;
        for (int i = 1; i < attempts.size(); i++) {
            minGap = Math.min(minGap, Await.millisBetween(attempts.get(i - 1), attempts.get(i)));
        }
        // The timer fires no earlier than its delay; allow the clock's granularity.
        assertTrue(minGap >= MIN_INTERVAL - 5, "two attempts " + minGap + " ms apart\n" + probe.describe());
        // Each attempt is HostLookup, Connecting, then Unconnected again.
        List<SocketState> firstAttempt = probe.states().subList(0, 3);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, DISCONNECTED), firstAttempt, probe::describe);

        socket.abort();
        probe.awaitState(DISCONNECTED, WAIT);
        int afterAbort = probe.stateCount(HOST_LOOKUP);
        probe.assertNotWithin(() -> probe.stateCount(HOST_LOOKUP) > afterAbort, Duration.ofMillis(3 * MAX_INTERVAL / 2),
                "a reconnect attempt after abort()");

        Figures.record("1 connection refused", "first error after connectToHost",
                Await.millisBetween(start, firstError) + " ms, " + errors.get(0).seedName() + "(" + errors.get(0).value() + ")");
        Figures.record("1 connection refused", "attempts in window",
                attempts.size() + " in " + windowMillis + " ms (bound " + bound + ", backoff " + MIN_INTERVAL + ".."
                        + MAX_INTERVAL + " ms); closest two " + minGap + " ms apart; errors " + errors.size()
                        + " all ConnectionRefusedError");
        Figures.record("1 connection refused", "errorString", socket.getErrorString());
    }

    /**
     * Fault 2: DNS failure. A name under {@code .invalid} fails the lookup with
     * HostNotFoundError (12); the socket never reaches Connecting.
     */
    @Test
    void anUnresolvableHostIsHostNotFound() {
        TcpSocketImpl socket = fixture.tcpSocket("dns", false);
        SocketProbe probe = probe(socket);
        socket.setConnectTimeout(20_000);

        long start = System.nanoTime();
        socket.connectToHost("nonexistent.invalid", 502);
        probe.awaitError(SocketError.HOST_NOT_FOUND_ERROR, Duration.ofSeconds(25));
        long detected = probe.events(SocketProbe.Kind.ERROR).get(0).nanos();
        probe.awaitState(DISCONNECTED, WAIT);

        assertEquals(List.of(SocketError.HOST_NOT_FOUND_ERROR), probe.errors(), probe::describe);
        assertEquals(List.of(HOST_LOOKUP, DISCONNECTED), probe.states(), probe::describe);
        assertEquals(SocketError.HOST_NOT_FOUND_ERROR, socket.getError());
        assertEquals(12, socket.getError().value());
        assertTrue(socket.getErrorString().contains("nonexistent.invalid"), socket.getErrorString());
        assertEquals(0, probe.connectedCount());

        Figures.record("2 DNS failure", "lookup failed after",
                Await.millisBetween(start, detected) + " ms, HostNotFoundError(12), states "
                        + probe.states());
        Figures.record("2 DNS failure", "errorString", socket.getErrorString());
    }

    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }
}
