package ipsocket.reliability.leak;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.UdpPeer;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * Leak checks of issue 8: 1,000 TCP connect/close cycles against a loopback echo peer, mixing
 * graceful close, abort, peer close and connection refused (to an IP literal and, every other
 * pair of cycles, to {@code localhost} through the resolver threads), and 1,000 UDP
 * bind/close cycles mixing graceful close, abort, a virtual connection, dispose while bound and
 * a refused bind (address in use). Open file descriptors ({@code /proc/self/fd}) and live
 * {@code ipsocket-*} threads must come back to the baseline taken after a warm-up (the JDK
 * opens a few descriptors lazily the first time, hence the warm-up and a small slack); closing
 * the event loop group must then give back every descriptor and thread it took.
 *
 * <p>Each test prints one {@code FIGURES} line (descriptors, threads, heap after GC, time) for
 * docs/RELIABILITY.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectCloseLeakIT {

    private static final int CYCLES = 1000;
    /** Descriptors the JDK may still open lazily after the warm-up (caches, entropy, ...). */
    private static final int FD_SLACK = 4;
    /** Heap (after GC) the cycles may leave behind: the peer keeps a record per connection. */
    private static final long HEAP_SLACK = 32L * TestData.MIB;
    /** Resolver threads idle out after 5 s; allow for that and a loaded machine. */
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final String PREFIX = "ipsocket-";

    private enum TcpEnd { GRACEFUL, ABORT, PEER_CLOSE, REFUSED }

    private enum UdpEnd { GRACEFUL, ABORT, VIRTUAL_CONNECTION, DISPOSE_BOUND, ADDRESS_IN_USE }

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    @Order(1)
    void thousandTcpConnectCloseCyclesLeaveNoDescriptorOrThread() {
        assumeTrue(TestData.canCountFileDescriptors(), "no /proc/self/fd here");
        int fdBeforeGroup = TestData.openFileDescriptors();
        int threadsBeforeGroup = TestData.liveThreads(PREFIX).size();
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        int refusedPort = TestServer.freePort();

        Map<TcpEnd, Integer> ends = new EnumMap<>(TcpEnd.class);
        for (int i = 0; i < 16; i++) { // warm-up: every kind of end, by literal and by name
            tcpCycle(server, refusedPort, i, new EnumMap<>(TcpEnd.class));
        }
        awaitPeerConnectionsEnded(server);
        Await.until(() -> resolverThreads() == 0, SETTLE, () -> "resolver threads to idle out: "
                + TestData.liveThreadNames(PREFIX));
        int fdBaseline = TestData.openFileDescriptors();
        int threadBaseline = TestData.liveThreads(PREFIX).size();
        long heapBaseline = usedHeapAfterGc();
        int acceptedBefore = server.acceptedCount();

        long started = System.nanoTime();
        int peakResolvers = 0;
        for (int i = 0; i < CYCLES; i++) {
            tcpCycle(server, refusedPort, i, ends);
            peakResolvers = Math.max(peakResolvers, resolverThreads());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(CYCLES * 3 / 4, server.acceptedCount() - acceptedBefore, "connections accepted");
        awaitPeerConnectionsEnded(server);
        int fdAfterCycles = awaitAtMost(TestData::openFileDescriptors, fdBaseline + FD_SLACK, "open descriptors");
        int threadsAfterCycles = awaitAtMost(() -> TestData.liveThreads(PREFIX).size(), threadBaseline,
                PREFIX + "* threads (resolver threads idle out after 5 s)");
        long heapAfter = usedHeapAfterGc();
        assertTrue(peakResolvers <= 4, "at most 4 resolver threads at once, saw " + peakResolvers);

        fixture.closeNow(server);
        fixture.closeLoops();
        int fdAfterGroup = awaitAtMost(TestData::openFileDescriptors, fdBeforeGroup + FD_SLACK,
                "open descriptors after closing the group");
        int threadsAfterGroup = awaitAtMost(() -> TestData.liveThreads(PREFIX).size(), threadsBeforeGroup,
                PREFIX + "* threads after closing the group");

        System.out.printf("FIGURES tcp-leak cycles=%d ends=%s time=%dms fd[beforeGroup=%d baseline=%d"
                + " afterCycles=%d afterGroupClose=%d] threads[beforeGroup=%d baseline=%d afterCycles=%d"
                + " peakResolvers=%d afterGroupClose=%d] heapAfterGc[baseline=%dKiB after=%dKiB]%n",
                CYCLES, ends, millis, fdBeforeGroup, fdBaseline, fdAfterCycles, fdAfterGroup, threadsBeforeGroup,
                threadBaseline, threadsAfterCycles, peakResolvers, threadsAfterGroup, heapBaseline / 1024,
                heapAfter / 1024);
        assertTrue(heapAfter - heapBaseline < HEAP_SLACK, "heap after GC grew by "
                + (heapAfter - heapBaseline) / 1024 + " KiB over " + CYCLES + " cycles");
    }

    /**
     * One TCP cycle: a new socket connects to the echo peer (or to a port where nothing
     * listens), exchanges a line and ends in one of four ways, then is disposed.
     */
    private void tcpCycle(TestServer server, int refusedPort, int i, Map<TcpEnd, Integer> ends) {
        TcpEnd end = TcpEnd.values()[i % 4];
        String host = (i / 4) % 2 == 0 ? "127.0.0.1" : "localhost";
        TcpSocketImpl socket = new TcpSocketImpl(fixture.loops(), "tcp-leak-" + i);
        try {
            socket.setAutoConnect(false);
            SocketProbe probe = new SocketProbe();
            socket.addListener(probe);
            if (end == TcpEnd.REFUSED) {
                socket.connectToHost(host, refusedPort);
                probe.awaitError(SocketError.CONNECTION_REFUSED_ERROR, WAIT);
                probe.await(() -> socket.getState() == SocketState.DISCONNECTED, WAIT, "Disconnected after refusal");
                assertEquals(0, probe.connectedCount(), () -> probe.describe());
            } else {
                socket.connectToHost(host, server.port());
                probe.awaitConnected(WAIT);
                TestServer.Connection peer = server.awaitConnection(WAIT);
                String line = "cycle " + i;
                assertEquals(line.length() + 1, socket.write(line + "\n"));
                probe.await(socket::canReadLine, WAIT, "echo of cycle " + i);
                assertEquals(line, socket.readLine());
                switch (end) {
                    case GRACEFUL:
                        socket.disconnectFromHost();
                        probe.awaitDisconnected(WAIT);
                        peer.awaitEnd(WAIT);
                        assertTrue(peer.sawEof(), "the peer sees a FIN after a graceful close");
                        break;
                    case ABORT:
                        socket.abort();
                        probe.awaitDisconnected(WAIT);
                        break;
                    case PEER_CLOSE:
                        peer.close();
                        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
                        probe.awaitDisconnected(WAIT);
                        break;
                    default:
                        throw new IllegalStateException(end.name());
                }
                assertEquals(SocketState.DISCONNECTED, socket.getState());
            }
        } finally {
            socket.dispose();
        }
        ends.merge(end, 1, Integer::sum);
    }

    @Test
    @Order(2)
    void thousandUdpBindCloseCyclesLeaveNoDescriptorOrThread() {
        assumeTrue(TestData.canCountFileDescriptors(), "no /proc/self/fd here");
        int fdBeforeGroup = TestData.openFileDescriptors();
        int threadsBeforeGroup = TestData.liveThreads(PREFIX).size();
        UdpPeer peer = fixture.udpPeer("127.0.0.1");

        Map<UdpEnd, Integer> ends = new EnumMap<>(UdpEnd.class);
        for (int i = 0; i < 10; i++) {
            udpCycle(peer, i, new EnumMap<>(UdpEnd.class));
        }
        int fdBaseline = TestData.openFileDescriptors();
        int threadBaseline = TestData.liveThreads(PREFIX).size();
        long heapBaseline = usedHeapAfterGc();

        long started = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            udpCycle(peer, i, ends);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        int fdAfterCycles = awaitAtMost(TestData::openFileDescriptors, fdBaseline + FD_SLACK, "open descriptors");
        int threadsAfterCycles = awaitAtMost(() -> TestData.liveThreads(PREFIX).size(), threadBaseline,
                PREFIX + "* threads");
        long heapAfter = usedHeapAfterGc();

        fixture.closeNow(peer);
        fixture.closeLoops();
        int fdAfterGroup = awaitAtMost(TestData::openFileDescriptors, fdBeforeGroup + FD_SLACK,
                "open descriptors after closing the group");
        int threadsAfterGroup = awaitAtMost(() -> TestData.liveThreads(PREFIX).size(), threadsBeforeGroup,
                PREFIX + "* threads after closing the group");

        System.out.printf("FIGURES udp-leak cycles=%d ends=%s time=%dms fd[beforeGroup=%d baseline=%d"
                + " afterCycles=%d afterGroupClose=%d] threads[beforeGroup=%d baseline=%d afterCycles=%d"
                + " afterGroupClose=%d] heapAfterGc[baseline=%dKiB after=%dKiB]%n",
                CYCLES, ends, millis, fdBeforeGroup, fdBaseline, fdAfterCycles, fdAfterGroup, threadsBeforeGroup,
                threadBaseline, threadsAfterCycles, threadsAfterGroup, heapBaseline / 1024, heapAfter / 1024);
        assertTrue(heapAfter - heapBaseline < HEAP_SLACK, "heap after GC grew by "
                + (heapAfter - heapBaseline) / 1024 + " KiB over " + CYCLES + " cycles");
    }

    /**
     * One UDP cycle: a new socket binds to 127.0.0.1 on a port the OS chooses (or, to fail, on
     * the peer's port), receives or sends a datagram and ends in one of five ways.
     */
    private void udpCycle(UdpPeer peer, int i, Map<UdpEnd, Integer> ends) {
        UdpEnd end = UdpEnd.values()[i % UdpEnd.values().length];
        UdpSocketImpl socket = new UdpSocketImpl(fixture.loops(), "udp-leak-" + i);
        try {
            socket.setAutoConnect(false);
            socket.setLocalAddress("127.0.0.1");
            SocketProbe probe = new SocketProbe();
            socket.addListener(probe);
            if (end == UdpEnd.ADDRESS_IN_USE) {
                socket.setLocalPort(peer.port());
                socket.bind();
                probe.awaitError(SocketError.ADDRESS_IN_USE_ERROR, WAIT);
                assertEquals(SocketState.DISCONNECTED, socket.getState(), () -> probe.describe());
                return;
            }
            socket.bind();
            probe.awaitState(SocketState.BOUND, WAIT);
            switch (end) {
                case GRACEFUL: {
                    byte[] payload = ("datagram " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    peer.send(payload, "127.0.0.1", socket.getLocalPort());
                    probe.await(() -> socket.getPendingDatagramCount() == 1, WAIT, "datagram of cycle " + i);
                    UdpDatagram received = socket.readDatagram();
                    assertTrue(java.util.Arrays.equals(payload, received.getPayload()));
                    socket.disconnectFromHost();
                    probe.awaitDisconnected(WAIT);
                    break;
                }
                case ABORT:
                    socket.abort();
                    probe.awaitDisconnected(WAIT);
                    break;
                case VIRTUAL_CONNECTION:
                    socket.connectToHost(peer.host(), peer.port());
                    probe.awaitConnected(WAIT);
                    assertEquals(3L, socket.write("hi\n"));
                    assertEquals("hi\n", peer.receive(WAIT).text());
                    socket.disconnectFromHost();
                    probe.awaitDisconnected(WAIT);
                    break;
                case DISPOSE_BOUND:
                    socket.dispose();
                    probe.awaitDisconnected(WAIT);
                    break;
                default:
                    throw new IllegalStateException(end.name());
            }
            assertEquals(SocketState.DISCONNECTED, socket.getState());
        } finally {
            socket.dispose();
            ends.merge(end, 1, Integer::sum);
        }
    }

    private static void awaitPeerConnectionsEnded(TestServer server) {
        Await.until(() -> server.connections().stream().allMatch(TestServer.Connection::ended), SETTLE,
                () -> "the peer's side of every connection to end");
    }

    private static int resolverThreads() {
        return (int) TestData.liveThreads(PREFIX).stream()
                .filter(t -> t.getName().startsWith(PREFIX + "resolver-")).count();
    }

    /** Waits until a count is at most {@code limit}; returns the count then, or fails naming it. */
    private static int awaitAtMost(java.util.function.IntSupplier count, int limit, String what) {
        Await.until(() -> count.getAsInt() <= limit, SETTLE, () -> what + " back to at most " + limit + ", now "
                + count.getAsInt() + " " + (what.contains("thread") ? TestData.liveThreadNames(PREFIX)
                        : openDescriptorTargets()));
        return count.getAsInt();
    }

    /** What the open descriptors point at, for a failure message. */
    private static List<String> openDescriptorTargets() {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException closedMeanwhile) {
                    return "?";
                }
            }).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of("(cannot list: " + e + ")");
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
