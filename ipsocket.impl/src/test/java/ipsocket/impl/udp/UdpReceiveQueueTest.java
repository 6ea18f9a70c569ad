package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.SocketFixture.bindTo;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.UdpPeer;

/**
 * Proves that the receive queue is bounded: datagrams beyond the limit are dropped and
 * counted, and each overflow episode is reported once as TemporaryError, never silently.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpReceiveQueueTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void theDefaultLimitIs1024AndTheLimitIsValidated() {
        UdpSocketImpl socket = fixture.udpSocket();
        assertEquals(1024, socket.getReceiveQueueLimit());
        assertThrows(IllegalArgumentException.class, () -> socket.setReceiveQueueLimit(0));
        assertEquals(1024, socket.getReceiveQueueLimit());
        socket.setReceiveQueueLimit(1);
        assertEquals(1, socket.getReceiveQueueLimit());
    }

    @Test
    void anOverflowIsCountedAndReportedOncePerEpisode() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setReceiveQueueLimit(5);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();

        for (int i = 0; i < 20; i++) {
            peer.send("d" + i, V4, port);
        }
        probe.await(() -> socket.getDroppedDatagramCount() == 15, WAIT, "15 datagrams dropped");
        awaitLoopIdle(socket); // the arrival that was counted last has been reported, too
        assertEquals(5, socket.getPendingDatagramCount());
        assertEquals(15, socket.getDroppedDatagramCount());
        assertEquals(1, probe.errorCount(SocketError.TEMPORARY_ERROR), probe::describe);
        assertEquals(SocketError.TEMPORARY_ERROR, socket.getError());
        // the oldest are kept
        assertEquals("d0", socket.readDatagram().getPayloadText());

        // a new overflow after reading is a new episode, reported again
        peer.send("d20", V4, port);
        peer.send("d21", V4, port);
        probe.await(() -> socket.getDroppedDatagramCount() == 16, WAIT, "one more dropped");
        awaitLoopIdle(socket);
        assertEquals(5, socket.getPendingDatagramCount());
        assertEquals(2, probe.errorCount(SocketError.TEMPORARY_ERROR), probe::describe);

        List<String> kept = new ArrayList<>();
        UdpDatagram next;
        while ((next = socket.readDatagram()) != null) {
            kept.add(next.getPayloadText());
        }
        assertEquals(List.of("d1", "d2", "d3", "d4", "d20"), kept);
    }

    @Test
    void readingBelowTheLimitAcceptsDatagramsAgainWithoutReport() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setReceiveQueueLimit(2);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();

        peer.send("a", V4, port);
        peer.send("b", V4, port);
        probe.await(() -> socket.getPendingDatagramCount() == 2, WAIT, "queue full");
        socket.readDatagram();
        peer.send("c", V4, port);
        probe.await(() -> socket.getPendingDatagramCount() == 2, WAIT, "queue full again");
        assertEquals(0, socket.getDroppedDatagramCount());
        assertEquals(0, probe.errorCount(SocketError.TEMPORARY_ERROR), probe::describe);
        assertEquals("b", socket.readDatagram().getPayloadText());
        assertEquals("c", socket.readDatagram().getPayloadText());
    }

    /**
     * Waits until the socket's event loop has finished what it is doing now (for example
     * delivering a datagram whose counters the test already saw change), by running a task
     * on it: the loop runs tasks only between readiness handlers.
     *
     * @param socket the socket
     */
    private static void awaitLoopIdle(UdpSocketImpl socket) {
        socket.joinedGroups();
    }
}
