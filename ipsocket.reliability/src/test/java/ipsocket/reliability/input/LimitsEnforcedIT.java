package ipsocket.reliability.input;

import static ipsocket.impl.testing.Await.QUIET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketState;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.UdpPeer;
import ipsocket.impl.udp.UdpSocketImpl;
import ipsocket.reliability.kit.UncaughtExceptions;

/**
 * Every buffer and queue has a bound, set by a configuration key, and the bound is enforced
 * (issue 8, security; the metatype side is checked in ipsocket.itest's SecurityIT):
 * {@code readBufferLimit} (a peer sending 4 MiB to a reader that does not read fills at most
 * that many bytes, then TCP flow control stops it; nothing is lost), {@code writeBufferLimit}
 * (writes to a peer that does not read are accepted up to the limit, then refused with 0;
 * every accepted byte arrives), {@code maxLineLength} ({@code readLine()} returns an over-long
 * line in pieces of at most that length), {@code receiveQueueLimit} (at most that many
 * datagrams are queued). Out-of-range limits are refused by the setters.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LimitsEnforcedIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int LIMIT = 64 * 1024;

    /** Registered before the fixture, so it sees what escapes while the fixture releases the sockets. */
    @RegisterExtension
    @Order(1)
    final UncaughtExceptions uncaught = new UncaughtExceptions();

    @RegisterExtension
    @Order(2)
    final SocketFixture fixture = new SocketFixture();

    private TcpSocketImpl tcpSocket() {
        return fixture.tcpSocket("limits", false);
    }

    private static TestServer.Connection connect(TcpSocketImpl socket, SocketProbe probe, TestServer server) {
        socket.addListener(probe);
        socket.connectToHost(server.host(), server.port());
        probe.awaitConnected(WAIT);
        return server.awaitConnection(WAIT);
    }

    @Test
    void readBufferLimitBoundsWhatAPeerCanMakeUsBuffer() {
        TcpSocketImpl socket = tcpSocket();
        socket.setReadBufferLimit(LIMIT);
        socket.setReceiveBufferSize(16 * 1024); // small kernel buffers: the peer stalls soon after
        SocketProbe probe = new SocketProbe();
        TestServer server = fixture.startServer(TestServer.ipv4Loopback(), TestServer.Mode.IDLE, 16 * 1024, 0);
        TestServer.Connection peer = connect(socket, probe, server);
        byte[] data = TestData.randomBytes(4 * TestData.MIB, 8);
        TestServer.Sender sender = peer.sendAsync(data, 64 * 1024);

        long stalledAt = Await.untilStalled(sender::sent, QUIET, WAIT, "the peer's sending");
        long buffered = socket.getBytesAvailable();
        assertTrue(buffered > 0 && buffered <= LIMIT, "buffered " + buffered + " bytes, limit " + LIMIT);
        assertTrue(stalledAt < data.length, "the peer is held back by TCP flow control");

        ByteArrayOutputStream all = new ByteArrayOutputStream();
        probe.await(() -> {
            all.writeBytes(socket.readAll());
            assertTrue(socket.getBytesAvailable() <= LIMIT, "never more than the limit buffered");
            return all.size() == data.length;
        }, WAIT, "every byte after the reader resumed");
        sender.awaitDone(WAIT);
        assertEquals(TestData.sha256(data), TestData.sha256(all.toByteArray()));
        System.out.printf("FIGURES limit readBufferLimit=%d buffered=%d peerStalledAfter=%d of %d bytes%n", LIMIT,
                buffered, stalledAt, data.length);
    }

    @Test
    void writeBufferLimitBoundsWhatWeAcceptForAPeerThatDoesNotRead() {
        TcpSocketImpl socket = tcpSocket();
        socket.setWriteBufferLimit(LIMIT);
        socket.setSendBufferSize(4096);
        SocketProbe probe = new SocketProbe();
        TestServer server = fixture.startServer(TestServer.ipv4Loopback(), TestServer.Mode.IDLE, 4096, 4096);
        TestServer.Connection peer = connect(socket, probe, server);

        ByteArrayOutputStream accepted = new ByteArrayOutputStream();
        byte[] chunk = TestData.randomBytes(16 * 1024, 9);
        int refusals = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (refusals < 3) {
            long taken = socket.write(chunk);
            assertTrue(taken >= 0 && taken <= chunk.length, "write returned " + taken);
            accepted.write(chunk, 0, (int) taken);
            long pending = socket.getBytesToWrite();
            assertTrue(pending <= LIMIT, "pending " + pending + " bytes, limit " + LIMIT);
            if (taken == 0) {
                refusals++;
                Await.untilStalled(socket::getBytesSent, QUIET, WAIT, "bytes handed to the OS");
            }
            assertTrue(System.nanoTime() < deadline, "the write buffer never filled");
        }
        assertEquals(0L, socket.write("x".repeat(LIMIT)), "text that does not fit whole is refused whole");
        long pending = socket.getBytesToWrite();

        peer.startSinking();
        peer.awaitReceived(accepted.size(), WAIT);
        assertEquals(TestData.sha256(accepted.toByteArray()), peer.sha256(), "every accepted byte arrives");
        System.out.printf("FIGURES limit writeBufferLimit=%d pendingWhenFull=%d accepted=%d%n", LIMIT, pending,
                accepted.size());
    }

    @Test
    void maxLineLengthCutsOverLongLinesIntoPieces() {
        TcpSocketImpl socket = tcpSocket();
        socket.setMaxLineLength(100);
        SocketProbe probe = new SocketProbe();
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        TestServer.Connection peer = connect(socket, probe, server);
        peer.send("a".repeat(1000) + "\n" + "b".repeat(150) + "\r\n");
        StringBuilder joined = new StringBuilder();
        int pieces = 0;
        while (joined.length() < 1150) {
            probe.await(socket::canReadLine, WAIT, "a line after " + joined.length() + " characters");
            String piece = socket.readLine();
            assertTrue(piece.length() <= 100, "piece of " + piece.length() + " bytes");
            joined.append(piece);
            pieces++;
        }
        assertEquals("a".repeat(1000) + "b".repeat(150), joined.toString());
        assertEquals(12, pieces, "10 pieces of 100 a's (the 10th takes the line feed at index 100), then 100 and"
                + " 50 b's");
        assertEquals(0, socket.getBytesAvailable());
    }

    @Test
    void theReceiveQueueIsBoundedByDatagramsAndByBytes() {
        UdpSocketImpl socket = fixture.disposeAfterTest(new UdpSocketImpl(fixture.loops(), "limits-udp"));
        socket.setAutoConnect(false);
        socket.setLocalAddress("127.0.0.1");
        socket.setReceiveQueueLimit(8);
        socket.setReadBufferLimit(200_000);
        SocketProbe probe = new SocketProbe();
        socket.addListener(probe);
        socket.bind();
        probe.awaitState(SocketState.BOUND, WAIT);
        UdpPeer peer = fixture.udpPeer("127.0.0.1");
        byte[] large = TestData.randomBytes(60_000, 10);
        for (int i = 1; i <= 6; i++) {
            peer.send(large, "127.0.0.1", socket.getLocalPort());
            int arrivals = i; // every arrival is queued and signalled, evicting the oldest unread
            probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == arrivals, WAIT, "datagram " + i);
        }
        assertEquals(6L * large.length, socket.getBytesReceived());
        // readBufferLimit bounds the queued bytes: the newest three datagrams of 60,000 fit in 200,000
        assertEquals(3, socket.getPendingDatagramCount());
        assertEquals(3, socket.getDroppedDatagramCount());
        while (socket.readDatagram() != null) {
            // drain
        }
        byte[] small = TestData.randomBytes(10, 11);
        for (int i = 1; i <= 12; i++) {
            peer.send(small, "127.0.0.1", socket.getLocalPort());
            int arrivals = 6 + i;
            probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == arrivals, WAIT, "small datagram " + i);
        }
        assertEquals(6L * large.length + 12L * small.length, socket.getBytesReceived());
        // receiveQueueLimit bounds the count: the newest 8 are kept, the oldest unread 4 dropped
        assertEquals(8, socket.getPendingDatagramCount());
        assertEquals(3 + 4, socket.getDroppedDatagramCount());
        assertEquals(6 + 12, probe.count(SocketProbe.Kind.DATAGRAM), "a signal for every arrival");
        System.out.printf("FIGURES limit udp receiveQueueLimit=8 readBufferLimit=200000: 3 of 6 large and 8 of 12"
                + " small datagrams kept, %d dropped%n", socket.getDroppedDatagramCount());
    }

    @Test
    void outOfRangeLimitsAreRefusedNamingTheProperty() {
        TcpSocketImpl tcp = tcpSocket();
        UdpSocketImpl udp = fixture.disposeAfterTest(new UdpSocketImpl(fixture.loops(), "limits-setters"));
        assertRefused(() -> tcp.setReadBufferLimit(0), "readBufferLimit");
        assertRefused(() -> tcp.setReadBufferLimit(-1), "readBufferLimit");
        assertRefused(() -> tcp.setWriteBufferLimit(0), "writeBufferLimit");
        assertRefused(() -> tcp.setMaxLineLength(0), "maxLineLength");
        assertRefused(() -> tcp.setMaxLineLength(16 * 1024 * 1024 + 1), "maxLineLength");
        assertRefused(() -> udp.setReceiveQueueLimit(0), "receiveQueueLimit");
        assertRefused(() -> udp.setReceiveQueueLimit((1 << 20) + 1), "receiveQueueLimit");
        assertEquals(1 << 20, tcp.getReadBufferLimit(), "defaults kept");
        assertEquals(1 << 20, tcp.getWriteBufferLimit());
        assertEquals(65_535, tcp.getMaxLineLength());
        assertEquals(1024, udp.getReceiveQueueLimit());
    }

    private static void assertRefused(Runnable setter, String property) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, setter::run);
        assertTrue(refused.getMessage().contains(property), refused.getMessage());
    }

    /**
     * Fixed bug (see docs/SECURITY.md): IpSocket says readBufferLimit keeps "at least the
     * maximum line length", but the TCP socket stops reading at readBufferLimit alone; with
     * readBufferLimit below maxLineLength and a line longer than readBufferLimit,
     * canReadLine() never becomes true and a reader that reads by lines waits forever.
     */
    @Test
    void aReadBufferLimitBelowTheLineLengthStillDeliversLines() {
        TcpSocketImpl socket = tcpSocket();
        socket.setReadBufferLimit(100);
        socket.setMaxLineLength(1000);
        SocketProbe probe = new SocketProbe();
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        TestServer.Connection peer = connect(socket, probe, server);
        peer.send(("c".repeat(500) + "\n").getBytes(StandardCharsets.UTF_8));
        boolean lineReady = Await.within(socket::canReadLine, Duration.ofSeconds(5));
        assertTrue(lineReady, "canReadLine() for a line of 500 bytes with readBufferLimit 100 and maxLineLength"
                + " 1000; buffered: " + socket.getBytesAvailable() + " bytes");
        assertEquals("c".repeat(500), socket.readLine());
    }
}
