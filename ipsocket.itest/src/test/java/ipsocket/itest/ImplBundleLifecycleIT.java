package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;

/**
 * Proves the lifecycle promises of issue 5 with 50 configured TCP sockets connected to one
 * loopback server: stopping {@code ipsocket.impl} closes every connection gracefully (the peer
 * sees end of stream, no reset) and leaves no {@code ipsocket-*} thread; starting it again
 * restores every socket from ConfigAdmin and they all reconnect; {@code Bundle.update()} (hot
 * redeploy of the same jar from its location) with the sockets connected closes them
 * gracefully and they all reconnect; the number of {@code ipsocket-*} threads is back to its
 * value before the sockets were created. Also: the {@code ipsocket.EventLoop} configuration
 * ({@code ioThreads}) sets the number of I/O threads, and the sockets reconnect on them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ImplBundleLifecycleIT extends SocketTestSupport {
    private static final int SOCKETS = 50;
    private static final Duration LIFECYCLE_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    /**
     * Leaves the implementation bundle active for the next test, whatever happened.
     *
     * @throws Exception if it cannot be started
     */
    @After
    public void restartImpl() throws Exception {
        Bundle impl = implBundle();
        if (impl.getState() != Bundle.ACTIVE) {
            impl.start();
        }
    }

    private void awaitAllConnected(TcpPeer peer, int totalConnections, String phase) throws Exception {
        peer.await(() -> peer.connectionCount() >= totalConnections, LIFECYCLE_TIMEOUT,
                SOCKETS + " connections " + phase);
        assertEquals("connections " + phase, totalConnections, peer.connectionCount());
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=life-*)").size() == SOCKETS,
                LIFECYCLE_TIMEOUT, SOCKETS + " socket services " + phase);
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=life-*)").stream()
                .map(reference -> bundleContext.getService(reference))
                .allMatch(socket -> socket != null && socket.getState() == SocketState.CONNECTED),
                LIFECYCLE_TIMEOUT, "every socket Connected " + phase);
        assertEquals("open connections " + phase, SOCKETS, peer.openCount());
    }

    private List<TcpSocket> sockets() {
        return serviceReferences(TcpSocket.class, "(objectId=life-*)").stream()
                .map(reference -> bundleContext.getService(reference)).collect(Collectors.toList());
    }

    private static long ioThreads() {
        return ipsocketThreads().stream().filter(name -> name.startsWith(THREAD_PREFIX + "io-")).count();
    }

    /** The event loop's configuration (ipsocket.EventLoop, ioThreads) sets the number of I/O threads; sockets survive it. */
    @Test
    public void ioThreadsFollowEventLoopConfiguration() throws Exception {
        TcpPeer peer = tcpPeer();
        for (int i = 0; i < 5; i++) {
            createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("loop-" + i, peer.port()));
        }
        peer.await(() -> peer.connectionCount() == 5, TIMEOUT, "five connections");
        assertEquals("one I/O thread by default: " + ipsocketThreads(), 1, ioThreads());

        org.osgi.service.cm.Configuration loop = updateConfiguration(SocketPids.EVENT_LOOP,
                props(SocketConfig.IO_THREADS, 3));
        awaitCondition(() -> ioThreads() == 3, TIMEOUT, "three I/O threads, now " + ipsocketThreads());
        peer.await(() -> peer.connectionCount() == 10 && peer.openCount() == 5, TIMEOUT,
                "the five sockets reconnected on the new threads");
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=loop-*)").stream()
                .map(reference -> bundleContext.getService(reference))
                .allMatch(socket -> socket.getState() == SocketState.CONNECTED), TIMEOUT, "all connected");

        deleteConfiguration(loop);
        awaitCondition(() -> ioThreads() == 1, TIMEOUT, "back to one I/O thread, now " + ipsocketThreads());
        peer.await(() -> peer.connectionCount() == 15 && peer.openCount() == 5, TIMEOUT,
                "the five sockets reconnected again");
        assertEquals("no connection reset", 0, peer.failedCount());
    }

    /** Stop, start and update the implementation bundle with 50 connected sockets. */
    @Test
    public void stopStartAndUpdateWithFiftySockets() throws Exception {
        Bundle impl = implBundle();
        // The runtime's threads before any socket exists.
        List<String> threadsAtStart = ipsocketThreads();
        TcpPeer peer = tcpPeer();
        for (int i = 0; i < SOCKETS; i++) {
            createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("life-" + i, peer.port()));
        }
        awaitAllConnected(peer, SOCKETS, "after configuration");

        // Stop right after a last write: every connection closed gracefully, after its last bytes.
        for (TcpSocket socket : sockets()) {
            assertEquals(4L, socket.write("bye\n"));
        }
        impl.stop();
        assertEquals(Bundle.RESOLVED, impl.getState());
        peer.await(() -> peer.endOfStreamCount() + peer.failedCount() == SOCKETS, LIFECYCLE_TIMEOUT,
                "every connection closed after stop");
        assertEquals("connections reset instead of closed gracefully", 0, peer.failedCount());
        assertEquals(SOCKETS, peer.endOfStreamCount());
        for (int i = 0; i < SOCKETS; i++) {
            assertEquals("connection " + i + " got its last bytes before the close", "bye\n",
                    peer.receivedText(peer.awaitConnection(i, TIMEOUT)));
        }
        assertTrue(serviceReferences(TcpSocket.class, null).isEmpty());
        awaitCondition(() -> ipsocketThreads().isEmpty(), LIFECYCLE_TIMEOUT,
                "no ipsocket thread after stop, still: " + ipsocketThreads());

        // Start: every socket restored from ConfigAdmin.
        impl.start();
        awaitAllConnected(peer, 2 * SOCKETS, "after start");

        // Update (hot redeploy from the same location) with the sockets connected.
        impl.update();
        assertEquals(Bundle.ACTIVE, impl.getState());
        peer.await(() -> peer.endOfStreamCount() + peer.failedCount() == 2 * SOCKETS, LIFECYCLE_TIMEOUT,
                "every connection closed by the update");
        assertEquals("connections reset instead of closed gracefully", 0, peer.failedCount());
        awaitAllConnected(peer, 3 * SOCKETS, "after update");

        awaitCondition(() -> ipsocketThreads().size() == threadsAtStart.size(), LIFECYCLE_TIMEOUT,
                "ipsocket threads back to " + threadsAtStart + ", now " + ipsocketThreads());
    }
}
