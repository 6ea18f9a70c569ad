package ipsocket.impl.tcp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.connect;
import static ipsocket.impl.testing.SocketFixture.probe;
import static ipsocket.impl.testing.TestData.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.TestServer.Connection;

/**
 * Proves that TCP data arrives intact and in order both ways at once, that writes respect the
 * write buffer limit, that a graceful close delivers every accepted byte while abort discards
 * them, and that writing on a closed or read-only socket is refused.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpDataTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final Duration BULK = Duration.ofSeconds(30);

    @Test
    void tenMebibytesBothWaysAtOnceArriveIntact() {
        byte[] up = TestData.randomBytes(10 * MIB, 1);
        byte[] down = TestData.randomBytes(10 * MIB, 2);
        TestServer server = fixture.startServer(TestServer.Mode.SINK);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        ReadCollector collector = new ReadCollector();
        socket.addListener(collector);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);

        TestServer.Sender sender = peer.sendAsync(down, 64 * 1024);
        long accepted = writeFully(socket, probe, up, 64 * 1024);

        assertEquals(up.length, accepted);
        peer.awaitReceived(up.length, BULK);
        sender.awaitDone(BULK);
        probe.await(() -> collector.total() >= down.length, BULK,
                "socket to read " + down.length + " bytes");
        assertEquals(up.length, peer.received());
        assertEquals(TestData.sha256(up), peer.sha256(), "bytes the peer received");
        assertEquals(down.length, collector.total());
        assertEquals(TestData.sha256(down), collector.sha256(), "bytes the socket read");
        probe.await(() -> socket.getBytesToWrite() == 0, WAIT, "write buffer empty");
        assertEquals(up.length, socket.getBytesSent());
        assertEquals(down.length, socket.getBytesReceived());
        probe.await(() -> probe.bytesWrittenTotal() == up.length, WAIT,
                "bytesWritten to add up to " + up.length);
    }

    @Test
    void aReaderWithItsOwnBufferGetsEveryByteOnTheLoopThreadAndFromAnother() {
        byte[] down = TestData.randomBytes(24 * MIB, 3);
        TestServer server = fixture.startServer(TestServer.Mode.SINK);
        TcpSocketImpl onLoop = fixture.tcpSocket();
        SocketProbe probe = probe(onLoop);
        BufferReader reader = new BufferReader(10_007); // an odd size: reads end inside chunks
        onLoop.addListener(reader);
        connect(onLoop, probe, server);
        server.awaitConnection(WAIT).sendAsync(down, 64 * 1024).awaitDone(BULK);
        probe.await(() -> reader.total() >= down.length, BULK, "socket to read " + down.length + " bytes");
        assertEquals(down.length, reader.total());
        assertEquals(TestData.sha256(down), reader.sha256(), "bytes read on the loop thread");

        byte[] more = TestData.randomBytes(4 * MIB, 4);
        TcpSocketImpl polled = fixture.tcpSocket();
        SocketProbe polledProbe = probe(polled);
        connect(polled, polledProbe, server);
        server.awaitConnection(WAIT).sendAsync(more, 64 * 1024);
        ByteBuffer target = ByteBuffer.allocate(3_001);
        MessageDigest digest = TestData.newSha256();
        long[] total = {0};
        polledProbe.await(() -> {
            int count = polled.read(target.clear());
            digest.update(target.flip());
            total[0] += count;
            return total[0] >= more.length;
        }, BULK, "the test thread to read " + more.length + " bytes");
        assertEquals(more.length, total[0]);
        assertEquals(TestData.sha256(more), TestData.hex(digest.digest()), "bytes read on another thread");
    }

    @Test
    void writesAreBoundedByTheWriteBufferLimitAndReportedByBytesWritten() {
        int limit = 64 * 1024;
        byte[] data = TestData.randomBytes(4 * MIB, 3);
        TestServer server = fixture.startServer(TestServer.Mode.SINK);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setWriteBufferLimit(limit);
        assertEquals(limit, socket.getWriteBufferLimit());
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);

        long accepted = writeFully(socket, probe, data, MIB);

        assertEquals(data.length, accepted);
        peer.awaitReceived(data.length, BULK);
        assertEquals(TestData.sha256(data), peer.sha256());
        probe.await(() -> probe.bytesWrittenTotal() == data.length, WAIT,
                "bytesWritten to add up to " + data.length);
        assertEquals(0, socket.getBytesToWrite());
        assertEquals(data.length, socket.getBytesSent());
    }

    @Test
    void writeByteBufferAdvancesPastAcceptedBytes() {
        TestServer server = fixture.startServer(TestServer.Mode.SINK);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.wrap(data, 2, 5); // "23456"

        assertEquals(5, socket.write(buffer));

        assertEquals(7, buffer.position());
        assertFalse(buffer.hasRemaining());
        peer.awaitReceived(5, WAIT);
        assertEquals(TestData.sha256(Arrays.copyOfRange(data, 2, 7)), peer.sha256());
    }

    @Test
    void gracefulCloseDeliversEveryAcceptedByte() {
        byte[] data = TestData.randomBytes(2 * MIB, 4);
        TestServer server = fixture.startServer(TestServer.Mode.SINK);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setWriteBufferLimit(4 * MIB);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);
        int mark = probe.mark();

        assertEquals(data.length, socket.write(data), "2 MiB fit in a 4 MiB write buffer");
        socket.disconnectFromHost();

        probe.awaitDisconnected(WAIT);
        peer.awaitEnd(BULK);
        assertTrue(peer.sawEof(), "peer sees FIN, not a reset: " + peer.readFailure());
        assertEquals(data.length, peer.received(), "every accepted byte was delivered");
        assertEquals(TestData.sha256(data), peer.sha256());
        assertEquals(SocketState.CLOSING, probe.statesSince(mark).get(0), probe::describe);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertEquals(0, socket.getBytesToWrite());
        assertEquals(data.length, socket.getBytesSent());
        assertEquals(java.util.List.of(), probe.errors(), probe::describe);
    }

    @Test
    void abortDiscardsPendingBytes() {
        TestServer server = fixture.startServer(TestServer.ipv4Loopback(),
                TestServer.Mode.IDLE, 0, 16 * 1024);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setWriteBufferLimit(MIB);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);
        byte[] chunk = TestData.randomBytes(256 * 1024, 5);

        long written = fillUntilStalled(socket, chunk, 256 * MIB);
        assertTrue(socket.getBytesToWrite() > 0, "bytes pending before abort");
        socket.abort();

        probe.await(() -> socket.getState() == SocketState.DISCONNECTED, WAIT,
                "Disconnected after abort");
        assertEquals(0, socket.getBytesToWrite(), "abort discards the write buffer");
        assertFalse(socket.isOpen());
        peer.startSinking();
        peer.awaitEnd(BULK);
        assertTrue(peer.received() < written,
                "peer received " + peer.received() + " of " + written + " written bytes");
        assertEquals(-1, socket.write(chunk), "no writing after abort");
    }

    @Test
    void writeWhileDisconnectedIsRefusedWithOperationError() {
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        assertFalse(socket.isWritable());

        assertEquals(-1, socket.write(new byte[] {1, 2, 3}));
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertEquals(SocketError.OPERATION_ERROR, socket.getError());
        assertEquals(-1, socket.write("text"));
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2});
        assertEquals(-1, socket.write(buffer));
        assertEquals(0, buffer.position(), "nothing consumed from a refused buffer");
        probe.awaitErrorCount(SocketError.OPERATION_ERROR, 3, WAIT);
        assertEquals(0, socket.getBytesToWrite());
    }

    @Test
    void readOnlySocketRefusesWritesButStillReads() {
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setReadOnly(true);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);

        assertFalse(socket.isWritable());
        assertEquals(-1, socket.write("refused"));
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertFalse(socket.getDeviceErrorString().isEmpty());
        peer.send("hello");
        probe.await(() -> socket.getBytesAvailable() == 5, WAIT, "5 bytes to read");
        assertEquals("hello", new String(socket.readAll(), StandardCharsets.UTF_8));
    }

    @Test
    void writeStringSendsUtf8() {
        String text = "Grüße, 温度 25 °C \uD83D\uDE00\n";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        TestServer server = fixture.startServer(TestServer.Mode.SINK);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        connect(socket, probe, server);
        Connection peer = server.awaitConnection(WAIT);

        assertEquals(utf8.length, socket.write(text));

        peer.awaitReceived(utf8.length, WAIT);
        probe.await(() -> socket.getBytesToWrite() == 0, WAIT, "sent");
        assertEquals(utf8.length, peer.received());
        assertEquals(TestData.sha256(utf8), peer.sha256());
    }

    @Test
    void writeStringThatDoesNotFitIsNotCut() {
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        socket.setWriteBufferLimit(1024);
        connect(socket, probe, server);
        String big = "€".repeat(1024); // 3072 bytes: can never fit in 1024

        assertEquals(0, socket.write(big), "text that does not fit is not accepted at all");
        assertTrue(socket.getBytesToWrite() <= 1024);
    }

    // ---- helpers ----

    /**
     * Writes everything in chunks, looping on write()'s return value and waiting for the
     * write buffer to drain whenever it is full; checks the limit after every write.
     */
    static long writeFully(TcpSocketImpl socket, SocketProbe probe, byte[] data, int chunkSize) {
        long limit = socket.getWriteBufferLimit();
        int offset = 0;
        while (offset < data.length) {
            byte[] chunk = Arrays.copyOfRange(data, offset, Math.min(data.length, offset + chunkSize));
            long accepted = socket.write(chunk);
            assertTrue(accepted >= 0, "write refused at offset " + offset + "\n" + probe.describe());
            assertTrue(accepted <= chunk.length, "accepted " + accepted + " of " + chunk.length);
            long pending = socket.getBytesToWrite();
            assertTrue(pending <= limit, "bytesToWrite " + pending + " above limit " + limit);
            offset += (int) accepted;
            if (accepted < chunk.length) {
                int bytesWrittenSeen = probe.count(SocketProbe.Kind.BYTES_WRITTEN);
                probe.await(() -> socket.getBytesToWrite() < limit
                        || probe.count(SocketProbe.Kind.BYTES_WRITTEN) > bytesWrittenSeen,
                        BULK, "room in the write buffer at offset of " + data.length);
            }
        }
        return offset;
    }

    /** Writes a chunk again and again until write() accepts nothing; returns the total. */
    static long fillUntilRefused(TcpSocketImpl socket, byte[] chunk, long cap) {
        long total = 0;
        while (true) {
            long accepted = socket.write(chunk);
            assertTrue(accepted >= 0, "write refused");
            if (accepted == 0) {
                return total;
            }
            total += accepted;
            assertTrue(total <= cap, "write() accepted " + total
                    + " bytes to a peer that never reads: the write buffer is not bounded");
        }
    }

    /**
     * Writes until the write buffer is full and the operating system takes no more: fills
     * until write() returns 0, then waits briefly for bytesSent to move, and repeats while it
     * does. Returns the total accepted.
     */
    static long fillUntilStalled(TcpSocketImpl socket, byte[] chunk, long cap) {
        long written = 0;
        while (true) {
            written += fillUntilRefused(socket, chunk, cap - written);
            long sent = socket.getBytesSent();
            if (!Await.within(() -> socket.getBytesSent() != sent, Duration.ofMillis(300))) {
                return written;
            }
        }
    }

    /** Reads everything on readyRead, on the loop thread, counting and hashing it. */
    static final class ReadCollector implements SocketListener {
        private final AtomicLong total = new AtomicLong();
        private final MessageDigest digest = TestData.newSha256();

        @Override
        public void readyRead(IpSocket socket) {
            byte[] data = socket.readAll();
            synchronized (this) {
                digest.update(data);
                total.addAndGet(data.length);
            }
        }

        long total() {
            return total.get();
        }

        synchronized String sha256() {
            try {
                return TestData.hex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Reads into one buffer of its own on readyRead, on the loop thread, until nothing is left. */
    static final class BufferReader implements SocketListener {
        private final ByteBuffer buffer;
        private final AtomicLong total = new AtomicLong();
        private final MessageDigest digest = TestData.newSha256();

        BufferReader(int size) {
            buffer = ByteBuffer.allocateDirect(size);
        }

        @Override
        public void readyRead(IpSocket socket) {
            for (int count = socket.read(buffer.clear()); count > 0; count = socket.read(buffer.clear())) {
                synchronized (this) {
                    digest.update(buffer.flip());
                }
                total.addAndGet(count);
            }
        }

        long total() {
            return total.get();
        }

        synchronized String sha256() {
            return TestData.hex(digest.digest());
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static void assertBytes(String expected, byte[] actual) {
        assertArrayEquals(ascii(expected), actual, () -> "got '" + new String(actual,
                StandardCharsets.UTF_8) + "'");
    }
}
