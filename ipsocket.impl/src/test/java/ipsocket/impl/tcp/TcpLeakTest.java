package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketState;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestServer;

/**
 * Proves that sockets release what they take: 500 connect/echo/close cycles leave the number of
 * open file descriptors and of {@code ipsocket-*} threads where they were, and closing the
 * event loop group closes its connections and ends all of its threads.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpLeakTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final int CYCLES = 500;
    /** File descriptors the JDK may open lazily on its own (caches, entropy, ...). */
    private static final int FD_SLACK = 8;
    private static final Duration SETTLE = Duration.ofSeconds(10);

    @Test
    void openCloseCyclesLeaveFileDescriptorsAndThreadsWhereTheyWere() {
        assumeTrue(TestData.canCountFileDescriptors(), "no /proc/self/fd here");
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        cycle(server, 0);
        cycle(server, 1);
        Await.until(() -> server.connections().stream().allMatch(c -> c.ended()), SETTLE,
                () -> "warm-up connections to end");
        int fdBaseline = TestData.openFileDescriptors();
        int threadBaseline = TestData.liveThreads("ipsocket-").size();

        for (int i = 0; i < CYCLES; i++) {
            cycle(server, i);
        }

        assertEquals(CYCLES + 2, server.acceptedCount());
        Await.until(() -> server.connections().stream().allMatch(c -> c.ended()), SETTLE,
                () -> "the peer's side of every connection to end");
        Await.until(() -> TestData.openFileDescriptors() <= fdBaseline + FD_SLACK, SETTLE,
                () -> "open file descriptors back to " + fdBaseline + " (+" + FD_SLACK
                        + "), now " + TestData.openFileDescriptors());
        Await.until(() -> TestData.liveThreads("ipsocket-").size() <= threadBaseline, SETTLE,
                () -> "ipsocket-* threads back to " + threadBaseline + ", now "
                        + TestData.liveThreadNames("ipsocket-"));
    }

    /**
     * One cycle: a new socket connects (to an IP literal or, every other time, to
     * {@code localhost} through the resolver), exchanges a line with the echo peer and closes,
     * gracefully or by disposing it while connected.
     */
    private void cycle(TestServer server, int i) {
        TcpSocketImpl socket = new TcpSocketImpl(fixture.loops(), "leak-" + i);
        try {
            socket.setAutoConnect(false);
            SocketProbe probe = new SocketProbe();
            socket.addListener(probe);
            socket.connectToHost(i % 2 == 0 ? "127.0.0.1" : "localhost", server.port());
            probe.awaitConnected(WAIT);
            assertEquals(5, socket.write("ping\n"));
            probe.await(socket::canReadLine, WAIT, "echo in cycle " + i);
            assertEquals("ping", socket.readLine());
            if (i % 4 < 2) {
                socket.disconnectFromHost();
                probe.awaitDisconnected(WAIT);
                assertEquals(SocketState.DISCONNECTED, socket.getState());
            }
        } finally {
            socket.dispose();
        }
    }

    @Test
    void closingTheGroupClosesItsConnectionsAndEndsItsThreads() {
        Set<Thread> before = new HashSet<>(TestData.liveThreads("ipsocket-"));
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        EventLoopGroup group = new EventLoopGroup(2);
        boolean closed = false;
        try {
            assertEquals(2, group.threadCount());
            TcpSocketImpl viaName = new TcpSocketImpl(group, "group-a");
            viaName.setAutoConnect(false);
            TcpSocketImpl viaLiteral = new TcpSocketImpl(group, "group-b");
            viaLiteral.setAutoConnect(false);
            SocketProbe a = new SocketProbe();
            SocketProbe b = new SocketProbe();
            viaName.addListener(a);
            viaLiteral.addListener(b);
            viaName.connectToHost("localhost", server.port());
            viaLiteral.connectToHost("127.0.0.1", server.port());
            a.awaitConnected(WAIT);
            b.awaitConnected(WAIT);
            List<String> started = newThreadNames(before);
            assertTrue(started.stream().anyMatch(n -> n.startsWith("ipsocket-io-")),
                    "I/O threads are named ipsocket-io-<n>: " + started);
            assertTrue(started.stream().allMatch(n -> n.startsWith("ipsocket-io-")
                    || n.startsWith("ipsocket-resolver-")), "thread names: " + started);

            group.close();
            closed = true;

            for (TestServer.Connection connection : server.connections()) {
                connection.awaitEnd(WAIT);
            }
            Await.until(() -> newThreadNames(before).isEmpty(), SETTLE,
                    () -> "threads of the closed group to end: " + newThreadNames(before));
        } finally {
            if (!closed) {
                group.close();
            }
        }
    }

    private static List<String> newThreadNames(Set<Thread> before) {
        return TestData.liveThreads("ipsocket-").stream().filter(t -> !before.contains(t))
                .map(Thread::getName).sorted().toList();
    }
}
