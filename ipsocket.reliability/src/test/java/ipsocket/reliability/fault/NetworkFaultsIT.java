package ipsocket.reliability.fault;

import static ipsocket.api.SocketState.CONNECTED;
import static ipsocket.api.SocketState.CONNECTING;
import static ipsocket.api.SocketState.DISCONNECTED;
import static ipsocket.api.SocketState.HOST_LOOKUP;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * Faults of the network itself, made in a network namespace this class creates (see
 * {@link Netns}): SYNs dropped, a peer that vanishes, and the link going down and up. The peer
 * is an {@link NsPeer} JVM inside the namespace; nothing is sent to any address outside this
 * machine. Skipped, with the reason, where namespaces cannot be created (no root, no iproute2).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkFaultsIT {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final int TIMEOUT_PORT = 7001;
    private static final int KEEPALIVE_PORT = 7002;
    private static final int LINK_PORT = 7003;

    private static Netns ns;

    @BeforeAll
    static void createNamespace() {
        String reason = Netns.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "network namespace faults skipped: " + reason);
        ns = Netns.create();
        ns.startPeer(TIMEOUT_PORT, KEEPALIVE_PORT, LINK_PORT);
        Figures.record("namespace", "setup", ns.name + ": host " + ns.hostIf + " " + ns.hostAddress + ", namespace "
                + ns.nsIf + " " + ns.nsAddress + ", faults with " + ns.faultTool());
    }

    @AfterEach
    void restoreNetwork() {
        if (ns != null) {
            ns.restoreTraffic();
            ns.hostLink(true);
        }
    }

    @AfterAll
    static void removeNamespace() {
        if (ns != null) {
            ns.close();
            ns = null;
        }
    }

    /**
     * Fault 3: connect timeout. The namespace drops the SYNs to the peer's port, so the
     * handshake never completes; the socket gives up after connectTimeout with
     * SocketTimeoutError (15). With the drop removed the same endpoint connects.
     */
    @Test
    @Order(1)
    void droppedSynsTimeOutAfterTheConnectTimeout() {
        String how = ns.dropSyns(TIMEOUT_PORT);
        TcpSocketImpl socket = fixture.tcpSocket("timeout", false);
        int timeout = 1500;
        socket.setConnectTimeout(timeout);
        SocketProbe probe = probe(socket);

        long start = System.nanoTime();
        socket.connectToHost(ns.nsAddress, TIMEOUT_PORT);
        probe.awaitError(SocketError.SOCKET_TIMEOUT_ERROR, Duration.ofMillis(timeout + 5000));
        long detected = probe.events(SocketProbe.Kind.ERROR).get(0).nanos();
        probe.awaitState(DISCONNECTED, WAIT);
        long elapsed = Await.millisBetween(start, detected);

        assertEquals(List.of(SocketError.SOCKET_TIMEOUT_ERROR), probe.errors(), probe::describe);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, DISCONNECTED), probe.states(), probe::describe);
        assertEquals(15, socket.getError().value());
        assertTrue(elapsed >= timeout - 20 && elapsed <= timeout + 1500, "timed out after " + elapsed + " ms");
        String text = socket.getErrorString();

        ns.restoreTraffic();
        socket.connectToHost();
        probe.awaitConnected(WAIT);
        assertEquals(CONNECTED, socket.getState());

        Figures.record("3 connect timeout", "how", how);
        Figures.record("3 connect timeout", "detection", elapsed + " ms for connectTimeout " + timeout
                + " ms, SocketTimeoutError(15), states [HOST_LOOKUP, CONNECTING, DISCONNECTED]; connected once the"
                + " drop was removed");
        Figures.record("3 connect timeout", "errorString", text);
    }

    /**
     * Fault 6: half-open connection. While the connection is idle the peer vanishes (all its
     * traffic dropped in the namespace, no FIN, no RST). With keepAlive on and idle 1 s,
     * interval 1 s, count 3 the socket notices within about 4 s and reports the error the
     * TcpSocket Javadoc names for a dead connection, NetworkError (17), then goes Unconnected.
     */
    @Test
    @Order(2)
    void aVanishedPeerIsDetectedByTunedKeepalive() {
        TcpSocketImpl socket = fixture.tcpSocket("halfopen", false);
        socket.setKeepAlive(true);
        socket.setKeepAliveIdle(1);
        socket.setKeepAliveInterval(1);
        socket.setKeepAliveCount(3);
        SocketProbe probe = probe(socket);
        socket.connectToHost(ns.nsAddress, KEEPALIVE_PORT);
        probe.awaitConnected(WAIT);
        long connectedAt = probe.events(SocketProbe.Kind.CONNECTED).get(0).nanos();
        assertEquals(List.of(), probe.errors(), "no error from applying the keepalive options: " + probe.describe());

        long vanishedAt = System.nanoTime();
        String how = ns.dropEverything();
        probe.awaitError(SocketError.NETWORK_ERROR, Duration.ofSeconds(15));
        long detected = probe.events(SocketProbe.Kind.ERROR).get(0).nanos();
        probe.awaitDisconnected(WAIT);

        assertEquals(List.of(SocketError.NETWORK_ERROR), probe.errors(), probe::describe);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED, DISCONNECTED), probe.states(), probe::describe);
        long sinceVanished = Await.millisBetween(vanishedAt, detected);
        long sinceLastTraffic = Await.millisBetween(connectedAt, detected);
        assertTrue(sinceVanished <= 15_000, "detected after " + sinceVanished + " ms");
        assertTrue(sinceLastTraffic >= 3_000, "detected after only " + sinceLastTraffic + " ms: before the probes ran out");

        Figures.record("6 half-open (peer vanishes)", "how", how);
        Figures.record("6 half-open (peer vanishes)", "detection",
                sinceVanished + " ms after the drop, " + sinceLastTraffic + " ms after the last traffic (keepalive idle 1 s,"
                        + " interval 1 s, count 3: expected ~4 s); " + socket.getError().seedName() + "("
                        + socket.getError().value() + "), states [.., CONNECTED, DISCONNECTED]");
        Figures.record("6 half-open (peer vanishes)", "errorString", socket.getErrorString());
    }

    /**
     * Fault 7: network down and up. The host side of the veth goes down while connected; the
     * socket notices (keepalive), reconnects with autoConnect, and every attempt while the link
     * is down fails at once ("No route to host") but the attempts stay within the backoff: at
     * most down period / lower bound + 2. When the link comes back the socket connects again,
     * once, within the upper bound, and stays connected (no reconnect storm).
     */
    @Test
    @Order(3)
    void linkDownAndUpReconnectsWithoutAStorm() {
        int min = 250;
        int max = 2000;
        TcpSocketImpl socket = fixture.tcpSocket("linkdown", true);
        socket.setReconnectMinInterval(min);
        socket.setReconnectMaxInterval(max);
        socket.setConnectTimeout(2000);
        socket.setKeepAlive(true);
        socket.setKeepAliveIdle(1);
        socket.setKeepAliveInterval(1);
        socket.setKeepAliveCount(2);
        SocketProbe probe = probe(socket);
        socket.connectToHost(ns.nsAddress, LINK_PORT);
        probe.awaitConnected(WAIT);

        long downAt = System.nanoTime();
        String down = ns.hostLink(false);
        probe.awaitDisconnected(Duration.ofSeconds(15));
        long lostAt = probe.events(SocketProbe.Kind.DISCONNECTED).get(0).nanos();
        SocketError lostWith = probe.errors().get(0);
        // Keep the link down for 6 s from the moment the connection was lost.
        probe.observeFor(Duration.ofNanos(Math.max(0, lostAt + 6_000_000_000L - System.nanoTime())));
        long upAt = System.nanoTime();
        int attemptsWhileDown = probe.count(e -> e.kind() == SocketProbe.Kind.STATE && e.value() == HOST_LOOKUP
                && e.nanos() >= lostAt && e.nanos() < upAt);
        Set<SocketError> errorsWhileDown = new LinkedHashSet<>(probe.errors().subList(1, probe.errors().size()));
        List<String> texts = probe.errorStrings();
        String lastErrorWhileDown = texts.get(texts.size() - 1);
        String up = ns.hostLink(true);
        probe.awaitConnected(2, Duration.ofMillis(max + 2000 + 3000));
        long reconnectedAt = probe.events(SocketProbe.Kind.CONNECTED).get(1).nanos();
        int lookupsAtReconnect = probe.stateCount(HOST_LOOKUP);
        probe.assertNotWithin(() -> probe.stateCount(HOST_LOOKUP) > lookupsAtReconnect || probe.connectedCount() > 2,
                Duration.ofSeconds(2), "another attempt after reconnecting (storm)");

        long downMillis = Await.millisBetween(lostAt, upAt);
        long bound = downMillis / min + 2;
        assertTrue(attemptsWhileDown <= bound, attemptsWhileDown + " attempts in " + downMillis + " ms > " + bound
                + "\n" + probe.describe());
        assertTrue(attemptsWhileDown >= 2, "autoConnect kept trying while down: " + probe.describe());
        assertEquals(SocketError.NETWORK_ERROR, lostWith, probe::describe);
        assertEquals(Set.of(SocketError.NETWORK_ERROR), errorsWhileDown, probe::describe);
        assertEquals(CONNECTED, socket.getState());
        assertEquals(2, probe.connectedCount());
        long reconnectMillis = Await.millisBetween(upAt, reconnectedAt);
        assertTrue(reconnectMillis <= max + 2000 + 3000, "reconnected after " + reconnectMillis + " ms");

        Figures.record("7 network down/up", "how", down + " ... " + up);
        Figures.record("7 network down/up", "loss detected",
                Await.millisBetween(downAt, lostAt) + " ms after the link went down (keepalive 1/1/2), "
                        + lostWith.seedName() + "(" + lostWith.value() + "): " + probe.errorStrings().get(0));
        Figures.record("7 network down/up", "attempts while down",
                attemptsWhileDown + " in " + downMillis + " ms (bound " + bound + ", backoff " + min + ".." + max
                        + " ms), errors " + errorsWhileDown + ", last: " + lastErrorWhileDown);
        Figures.record("7 network down/up", "recovery",
                "reconnected " + reconnectMillis + " ms after the link came up; no further attempt in the next 2 s;"
                        + " connected() called 2 times in total");
    }
}
