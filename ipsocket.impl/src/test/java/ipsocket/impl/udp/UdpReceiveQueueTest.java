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
 * Proves that the receive queue is bounded: datagrams beyond the limit are dropped and
 * counted, never signalled, and reported as TemporaryError at most once a second, each warning
 * with the number dropped since the previous one, never silently.
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
    void droppedDatagramsAreCountedNeverSignalledAndReportedInPacedWarnings() {
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
        // every drop is reported, the last ones by the warning that is due a second after the first
        probe.await(() -> probe.sumInErrorStrings(DROPS) == 15, WAIT, "warnings reporting 15 drops in all");
        assertEquals(5, socket.getPendingDatagramCount());
        assertEquals(SocketError.TEMPORARY_ERROR, socket.getError());
        assertEquals(5, probe.count(SocketProbe.Kind.DATAGRAM), "signals for the queued datagrams only");
        assertEquals(5, probe.readyReadCount(), probe::describe);
        assertEquals("d4", socket.getCurrentDatagram().getPayloadText(), "a dropped datagram is never current");
        assertPaced(probe);
        // the oldest are kept
        assertEquals("d0", socket.readDatagram().getPayloadText());

        // after reading, one more is queued and the next is dropped and reported
        peer.send("d20", V4, port);
        peer.send("d21", V4, port);
        probe.await(() -> socket.getDroppedDatagramCount() == 16, WAIT, "one more dropped");
        probe.await(() -> probe.sumInErrorStrings(DROPS) == 16, WAIT, "the drop reported");
        assertEquals(5, socket.getPendingDatagramCount());
        assertPaced(probe);

        List<String> kept = new ArrayList<>();
        UdpDatagram next;
        while ((next = socket.readDatagram()) != null) {
            kept.add(next.getPayloadText());
        }
        assertEquals(List.of("d1", "d2", "d3", "d4", "d20"), kept);
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
