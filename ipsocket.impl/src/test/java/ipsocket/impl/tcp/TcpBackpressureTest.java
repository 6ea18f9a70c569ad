package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.connect;
import static ipsocket.impl.testing.SocketFixture.probe;
import static ipsocket.impl.testing.TestData.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.TestServer.Connection;

/**
 * Proves TCP backpressure in both directions: a peer that does not read makes write() return 0
 * with the write buffer at its limit and memory flat; a socket that does not read keeps at most
 * readBufferLimit bytes and slows the peer down through TCP flow control, losing nothing.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpBackpressureTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final Duration BULK = Duration.ofSeconds(30);
    private static final Duration STALL = Duration.ofMillis(400);

    @Test
    void peerThatDoesNotReadMakesWritesStopAtTheLimit() {
        int limit = 256 * 1024;
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        Connection peer = connectToPeerThatDoesNotRead(socket, probe, limit);
        byte[] chunk = TestData.randomBytes(64 * 1024, 7);
        long heapBefore = TestData.usedHeapAfterGc();

        long written = TcpDataTest.fillUntilStalled(socket, chunk, 64L * MIB);
        for (int i = 0; i < 200; i++) {
            assertEquals(0, socket.write(chunk), "a full write buffer accepts nothing");
        }

        long pending = socket.getBytesToWrite();
        assertTrue(pending > 0 && pending <= limit, "bytesToWrite " + pending + ", limit " + limit);
        long heapGrowth = TestData.usedHeapAfterGc() - heapBefore;
        assertTrue(heapGrowth < 32L * MIB, "heap grew by " + heapGrowth + " bytes while "
                + written + " bytes were accepted");

        // nothing accepted was lost: once the peer reads, every byte arrives
        peer.startSinking();
        long total = written;
        peer.awaitReceived(total, BULK);
        probe.await(() -> socket.getBytesToWrite() == 0, WAIT, "write buffer drained");
        assertEquals(total, peer.received());
        assertEquals(total, socket.getBytesSent());
    }

    /**
     * A write that must not be torn (text, an inbound WRITE event) is taken whole or refused
     * whole when the buffer is nearly full (issue 14: a 32 KiB String was cut at 12,288 bytes),
     * and every byte accepted still arrives.
     */
    @Test
    void aNearlyFullBufferTakesAWholeWriteOrNoneOfIt() {
        int limit = 64 * 1024;
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        Connection peer = connectToPeerThatDoesNotRead(socket, probe, limit);
        long written = TcpDataTest.fillUntilStalled(socket, TestData.randomBytes(4 * 1024, 9), 64L * MIB);
        long pending = socket.getBytesToWrite();
        assertTrue(pending > limit - 32 * 1024, "nearly full: " + pending + " of " + limit);

        String text = "x".repeat(32 * 1024);
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, socket.write(text), "text that does not fit is refused whole");
        assertEquals(0, socket.writeWhole(bytes), "bytes that must stay whole are refused whole");
        assertEquals(pending, socket.getBytesToWrite(), "nothing of the refused writes was queued");

        peer.startSinking();
        probe.await(() -> socket.getBytesToWrite() == 0, BULK, "write buffer drained");
        assertEquals(bytes.length, socket.writeWhole(bytes), "with room again, the write is taken whole");
        peer.awaitReceived(written + bytes.length, BULK);
        assertEquals(written + bytes.length, peer.received());
    }

    @Test
    void socketThatDoesNotReadBuffersAtMostTheLimitAndLosesNothing() {
        int limit = 64 * 1024;
        byte[] data = TestData.randomBytes(8 * MIB, 8);
        TestServer server = fixture.startServer(TestServer.ipv4Loopback(),
                TestServer.Mode.IDLE, 32 * 1024, 0);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReadBufferLimit(limit);
        socket.setReceiveBufferSize(64 * 1024);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);

        TestServer.Sender sender = peer.sendAsync(data, 8 * 1024);
        Await.untilStalled(() -> sender.sent() + socket.getBytesAvailable(), STALL, BULK,
                "the peer's writes and the socket's buffer");

        long available = socket.getBytesAvailable();
        assertTrue(available > 0 && available <= limit,
                "bytesAvailable " + available + " with readBufferLimit " + limit);
        assertTrue(!sender.done() && sender.sent() < data.length, "the peer is held back: sent "
                + sender.sent() + " of " + data.length);
        assertTrue(probe.readyReadCount() >= 1);

        java.security.MessageDigest digest = TestData.newSha256();
        long[] total = {0};
        probe.await(() -> {
            long buffered = socket.getBytesAvailable();
            assertTrue(buffered <= limit, "bytesAvailable " + buffered + " above " + limit);
            byte[] piece = socket.readAll();
            digest.update(piece);
            total[0] += piece.length;
            return total[0] >= data.length;
        }, BULK, "socket to read " + data.length + " bytes");

        sender.awaitDone(WAIT);
        assertEquals(data.length, total[0]);
        assertEquals(TestData.sha256(data), TestData.hex(digest.digest()));
    }

    /**
     * Connects a socket with a write buffer limit to a peer that does not read, with small OS
     * buffers on both sides so that the socket's own buffer fills soon.
     */
    private Connection connectToPeerThatDoesNotRead(TcpSocketImpl socket, SocketProbe probe, int writeBufferLimit) {
        TestServer server = fixture.startServer(TestServer.ipv4Loopback(), TestServer.Mode.IDLE, 0, 32 * 1024);
        socket.setWriteBufferLimit(writeBufferLimit);
        socket.setSendBufferSize(32 * 1024); // keeps the OS from absorbing megabytes first
        connect(socket, probe, server);
        return server.awaitConnection(WAIT);
    }
}
