package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;

/**
 * Leak check of issue 8 in the framework: 100 configured TCP sockets connected to a loopback
 * server, then 20 cycles of stopping, starting and updating (hot redeploy of the same jar)
 * the {@code ipsocket.impl} bundle. After every stop each connection is closed gracefully and no
 * {@code ipsocket-*} thread is left; after every start and every update all 100 sockets are
 * restored from ConfigAdmin and connected again. At the end, with the configurations deleted,
 * the test JVM's open file descriptors and the {@code ipsocket-*} threads are back at their
 * baseline, taken before the sockets were configured.
 *
 * <p>Prints one {@code FIGURES} line for docs/RELIABILITY.md.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ImplRedeployLeakIT extends SocketTestSupport {
    private static final int SOCKETS = 100;
    private static final int CYCLES = 20;
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Descriptors the framework may hold on top of the baseline at the end: Felix keeps the
     * bundle revisions of the updates (their jar files) until a refresh, and the JDK opens a few
     * lazily. Far below one per socket or per cycle.
     */
    private static final int FD_SLACK = 8;

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
     * Leaves the implementation bundle active, whatever happened.
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

    /** 20 stop/start/update cycles with 100 connected sockets: all reconnect each time, nothing leaks. */
    @Test
    public void twentyStopStartUpdateCyclesWithHundredSockets() throws Exception {
        assumeTrue("no /proc/self/fd here", Files.isDirectory(Path.of("/proc/self/fd")));
        Bundle impl = implBundle();
        TcpPeer peer = tcpPeer();
        int fdBaseline = openFileDescriptors();
        List<String> threadBaseline = ipsocketThreads();
        long heapBaseline = usedHeapAfterGc();

        List<org.osgi.service.cm.Configuration> configurations = new java.util.ArrayList<>();
        for (int i = 0; i < SOCKETS; i++) {
            configurations.add(createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("redeploy-" + i,
                    peer.port())));
        }
        int connections = SOCKETS;
        awaitAllConnected(peer, connections, "after configuration");
        int fdConnected = openFileDescriptors();
        long started = System.nanoTime();
        int maxFdWhileConnected = fdConnected;

        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            impl.stop();
            int closed = connections;
            peer.await(() -> peer.endOfStreamCount() + peer.failedCount() == closed, PHASE_TIMEOUT,
                    "every connection closed after stop #" + cycle);
            assertEquals("connections reset instead of closed, cycle " + cycle, 0, peer.failedCount());
            awaitCondition(() -> ipsocketThreads().isEmpty(), PHASE_TIMEOUT,
                    "no ipsocket thread after stop #" + cycle + ", still " + ipsocketThreads());

            impl.start();
            connections += SOCKETS;
            awaitAllConnected(peer, connections, "after start #" + cycle);

            impl.update();
            int updated = connections;
            peer.await(() -> peer.endOfStreamCount() + peer.failedCount() == updated, PHASE_TIMEOUT,
                    "every connection closed by update #" + cycle);
            connections += SOCKETS;
            awaitAllConnected(peer, connections, "after update #" + cycle);
            maxFdWhileConnected = Math.max(maxFdWhileConnected, openFileDescriptors());
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals("no connection was reset", 0, peer.failedCount());

        for (org.osgi.service.cm.Configuration configuration : configurations) {
            deleteConfiguration(configuration);
        }
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=redeploy-*)").isEmpty(), PHASE_TIMEOUT,
                "every socket service gone after deleting the configurations");
        int total = connections;
        peer.await(() -> peer.endOfStreamCount() + peer.failedCount() == total, PHASE_TIMEOUT,
                "every connection closed after deleting the configurations");
        awaitCondition(() -> ipsocketThreads().equals(threadBaseline), PHASE_TIMEOUT,
                "ipsocket threads back to " + threadBaseline + ", now " + ipsocketThreads());
        awaitCondition(() -> openFileDescriptors() <= fdBaseline + FD_SLACK, PHASE_TIMEOUT,
                "open descriptors back to " + fdBaseline + " (+" + FD_SLACK + "), now " + openFileDescriptors()
                        + ": " + descriptorTargets());
        int fdAfter = openFileDescriptors();
        long heapAfter = usedHeapAfterGc();
        System.out.printf("FIGURES impl-redeploy sockets=%d cycles=%d (stop+start+update each) connections=%d"
                + " time=%dms fd[baseline=%d connected=%d maxWhileConnected=%d after=%d] threads[baseline=%s after=%s]"
                + " heapAfterGc[baseline=%dKiB after=%dKiB]%n", SOCKETS, CYCLES, total, millis, fdBaseline,
                fdConnected, maxFdWhileConnected, fdAfter, threadBaseline, ipsocketThreads(), heapBaseline / 1024,
                heapAfter / 1024);
        assertTrue("descriptors while connected stay flat across cycles: first " + fdConnected + ", max "
                + maxFdWhileConnected, maxFdWhileConnected <= fdConnected + FD_SLACK);
    }

    private void awaitAllConnected(TcpPeer peer, int totalConnections, String phase) throws Exception {
        peer.await(() -> peer.connectionCount() >= totalConnections, PHASE_TIMEOUT,
                SOCKETS + " connections " + phase);
        assertEquals("connections " + phase, totalConnections, peer.connectionCount());
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=redeploy-*)").size() == SOCKETS,
                PHASE_TIMEOUT, SOCKETS + " socket services " + phase);
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=redeploy-*)").stream()
                .map(reference -> bundleContext.getService(reference))
                .allMatch(socket -> socket != null && socket.getState() == SocketState.CONNECTED),
                PHASE_TIMEOUT, "every socket Connected " + phase);
        assertEquals("open connections " + phase, SOCKETS, peer.openCount());
    }

    private static int openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String descriptorTargets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "?";
                }
            }).sorted().collect(Collectors.joining(", "));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
