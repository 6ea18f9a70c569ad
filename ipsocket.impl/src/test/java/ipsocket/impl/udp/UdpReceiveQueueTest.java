package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.SocketFixture.bindTo;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.UdpPeer;

/**
 * Proves that the receive queue is bounded and keeps the newest: every arrival is queued and
 * signalled, the oldest unread datagrams are dropped to make room, counted, and reported as
 * TemporaryError at most once a second, each warning with the number dropped since the previous
 * one, never silently.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpReceiveQueueTest {

    private static final Pattern DROPS = Pattern.compile("(\\d+) datagrams dropped since the last warning");

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
    void everyArrivalIsSignalledAndTheOldestUnreadAreDroppedCountedAndReportedInPacedWarnings() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setReceiveQueueLimit(5);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();

        for (int i = 0; i < 20; i++) {
            peer.send("d" + i, V4, port);
        }
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == 20, WAIT, "every arrival signalled");
        assertEquals(15, socket.getDroppedDatagramCount());
        // every drop is reported, the last ones by the warning that is due a second after the first
        probe.await(() -> probe.sumInErrorStrings(DROPS) == 15, WAIT, "warnings reporting 15 drops in all");
        assertEquals(5, socket.getPendingDatagramCount());
        assertEquals(SocketError.TEMPORARY_ERROR, socket.getError());
        assertEquals(20, probe.readyReadCount(), probe::describe);
        assertEquals("d19", socket.getCurrentDatagram().getPayloadText(), "every arrival becomes current");
        assertPaced(probe);
        // the newest are kept
        assertEquals("d15", socket.readDatagram().getPayloadText());

        // after reading, one more is queued without a drop, the next drops the oldest unread
        peer.send("d20", V4, port);
        peer.send("d21", V4, port);
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == 22, WAIT, "both signalled");
        assertEquals(16, socket.getDroppedDatagramCount());
        probe.await(() -> probe.sumInErrorStrings(DROPS) == 16, WAIT, "the drop reported");
        assertEquals(5, socket.getPendingDatagramCount());
        assertEquals("d21", socket.getCurrentDatagram().getPayloadText());
        assertPaced(probe);

        List<String> kept = new ArrayList<>();
        UdpDatagram next;
        while ((next = socket.readDatagram()) != null) {
            kept.add(next.getPayloadText());
        }
        assertEquals(List.of("d17", "d18", "d19", "d20", "d21"), kept);
    }

    @Test
    void theByteBoundEvictsTheOldestUntilTheArrivalFitsAndAnOversizedOneEmptiesTheQueue() {
        UdpReceiveQueue queue = new UdpReceiveQueue();
        assertEquals(UdpReceiveQueue.Offer.QUEUED, queue.offer(UdpDatagram.of(new byte[40]), 10, 100));
        assertEquals(UdpReceiveQueue.Offer.QUEUED, queue.offer(UdpDatagram.of(new byte[30]), 10, 100));
        assertEquals(UdpReceiveQueue.Offer.QUEUED, queue.offer(UdpDatagram.of(new byte[20]), 10, 100));
        // 90 + 60 > 100: the 40 and the 30 go (50 + 60 is still too many), 20 + 60 fit
        assertEquals(UdpReceiveQueue.Offer.QUEUED_EVICTED_WARN, queue.offer(UdpDatagram.of(new byte[60]), 10, 100));
        assertEquals(2, queue.dropped());
        assertEquals(2, queue.takeUnwarned());
        assertEquals(2, queue.size());
        assertEquals(20, queue.peek().size());
        // larger than the byte bound alone: queued, with the queue emptied
        assertEquals(UdpReceiveQueue.Offer.QUEUED_EVICTED, queue.offer(UdpDatagram.of(new byte[150]), 10, 100));
        assertEquals(4, queue.dropped());
        assertEquals(1, queue.size());
        assertEquals(150, queue.poll().size());
        assertEquals(UdpReceiveQueue.Offer.QUEUED, queue.offer(UdpDatagram.of(new byte[150]), 10, 100));
        assertEquals(4, queue.dropped());
    }

    /**
     * Asserts that each drop warning a probe heard reports at least one drop: warnings come only
     * with something to report, so there are never more warnings than drops.
     */
    private static void assertPaced(SocketProbe probe) {
        for (SocketProbe.Event event : probe.events(SocketProbe.Kind.ERROR)) {
            Matcher matcher = DROPS.matcher(String.valueOf(event.detail()));
            assertTrue(event.value() != SocketError.TEMPORARY_ERROR
                    || matcher.find() && Long.parseLong(matcher.group(1)) > 0, event::toString);
        }
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
}
