package ipsocket.reliability.fault;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * A peer that never reads, and a peer that floods without newlines, on loopback: the write and
 * read buffers keep their bounds, the heap stays flat, and no byte is lost.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BoundedBuffersIT {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final long HEAP_GROWTH_BOUND = 32L * Figures.MIB;

    /**
     * Fault 8: slow reader. The peer reads nothing for a long write phase; the application
     * keeps writing and honours write()'s return value. getBytesToWrite() never exceeds the
     * write buffer limit, the heap does not grow, and when the peer finally reads it gets
     * exactly the bytes write() accepted.
     */
    @Test
    void aPeerThatNeverReadsKeepsTheWriteBufferBoundedAndTheHeapFlat() throws Exception {
        int limit = 256 * 1024;
        ServerSocket server = fixture.listen(50);
        AtomicReference<Socket> peer = new AtomicReference<>();
        fixture.startThread("slow-reader", () -> {
            server.close();
            Socket s = peer.get();
            if (s != null) {
                s.close();
            }
        }, () -> {
            try {
                peer.set(server.accept());
            } catch (IOException closedByCleanup) {
                // the test is over
            }
        });

        TcpSocketImpl socket = fixture.tcpSocket("slowreader", false);
        socket.setWriteBufferLimit(limit);
        SocketProbe probe = probe(socket);
        AtomicLong maxPendingInCallbacks = new AtomicLong();
        socket.addListener(new SocketListener() {
            @Override
            public void bytesWritten(IpSocket s, long bytes) {
                maxPendingInCallbacks.accumulateAndGet(s.getBytesToWrite(), Math::max);
            }
        });
        socket.connectToHost("127.0.0.1", server.getLocalPort());
        probe.awaitConnected(WAIT);
        Await.until(() -> peer.get() != null, WAIT, () -> "the peer to accept");

        byte[] pattern = Figures.randomBytes(Figures.MIB, 8);
        MessageDigest acceptedDigest = Figures.sha256();
        long heapBefore = Figures.usedHeapAfterGc();
        long accepted = 0;
        long calls = 0;
        long refused = 0;
        long maxPending = 0;
        int offset = 0;
        // Write for 3 s after the peer's buffers are full, at most 20 s and 50 million calls.
        long start = System.nanoTime();
        long hardEnd = start + TimeUnit.SECONDS.toNanos(20);
        long stallSince = 0;
        while (System.nanoTime() < hardEnd && calls < 50_000_000L) {
            int length = Math.min(16 * 1024, pattern.length - offset);
            long n = socket.write(ByteBuffer.wrap(pattern, offset, length));
            calls++;
            assertTrue(n >= 0, "write refused: " + socket.getErrorString());
            maxPending = Math.max(maxPending, socket.getBytesToWrite());
            if (n > 0) {
                acceptedDigest.update(pattern, offset, (int) n);
                accepted += n;
                offset = (int) ((offset + n) % pattern.length);
                stallSince = 0;
            } else {
                refused++;
                long now = System.nanoTime();
                if (stallSince == 0) {
                    stallSince = now;
                } else if (now - stallSince > TimeUnit.SECONDS.toNanos(3)) {
                    break;
                }
                Await.parkBriefly(TimeUnit.MICROSECONDS.toNanos(200));
            }
        }
        long writePhaseMillis = Await.millisBetween(start, System.nanoTime());
        long pendingAtEnd = socket.getBytesToWrite();
        long heapAfter = Figures.usedHeapAfterGc();

        assertTrue(stallSince != 0, "the write buffer filled up within 20 s");
        assertTrue(maxPending <= limit, "getBytesToWrite() " + maxPending + " > limit " + limit);
        assertTrue(maxPendingInCallbacks.get() <= limit, "in callbacks " + maxPendingInCallbacks.get());
        assertEquals(limit, pendingAtEnd, "the write buffer is full while the peer does not read");
        long growth = heapAfter - heapBefore;
        assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew by " + Figures.mib(growth));
        assertEquals(SocketState.CONNECTED, socket.getState());

        // The peer now reads everything; the socket closes gracefully after its last byte.
        socket.disconnectFromHost();
        Socket s = peer.get();
        s.setSoTimeout(15_000);
        MessageDigest peerDigest = Figures.sha256();
        long read = 0;
        byte[] buffer = new byte[64 * 1024];
        InputStream in = s.getInputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
            peerDigest.update(buffer, 0, n);
            read += n;
        }
        probe.awaitDisconnected(WAIT);
        String acceptedSha = Figures.hex(acceptedDigest.digest());
        assertEquals(accepted, read);
        assertEquals(acceptedSha, Figures.hex(peerDigest.digest()));

        Figures.record("8 slow reader", "write buffer bound",
                "max getBytesToWrite() " + maxPending + " B (limit " + limit + " B), in bytesWritten callbacks "
                        + maxPendingInCallbacks.get() + " B; " + calls + " write() calls in " + writePhaseMillis
                        + " ms, " + refused + " returned 0");
        Figures.record("8 slow reader", "heap",
                "used after GC " + Figures.mib(heapBefore) + " before, " + Figures.mib(heapAfter) + " after (growth "
                        + Figures.mib(growth) + ", bound " + Figures.mib(HEAP_GROWTH_BOUND) + ")");
        Figures.record("8 slow reader", "bytes compared",
                accepted + " B accepted by write() = " + read + " B read by the peer after it started reading; SHA-256 equal");
    }

    /**
     * Fault 9: flood without newlines. The peer sends 64 MiB with no line feed; the reader uses
     * only canReadLine()/readLine(). The read buffer stays within its limit, the heap stays flat,
     * and every byte arrives, as lines of exactly maxLineLength bytes.
     */
    @Test
    void aFloodWithoutNewlinesArrivesInMaxLineLengthPiecesWithBoundedMemory() throws Exception {
        int readLimit = 64 * 1024;
        int maxLine = 4096;
        long floodSize = 64L * Figures.MIB;
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) ('a' + (i * 7 + i / 26) % 26); // ASCII letters, no '\n' or '\r'
        }
        ServerSocket server = fixture.listen(50);
        AtomicReference<Socket> peer = new AtomicReference<>();
        AtomicReference<String> sentSha = new AtomicReference<>();
        AtomicReference<Throwable> peerFailure = new AtomicReference<>();
        fixture.startThread("flooder", () -> {
            server.close();
            Socket s = peer.get();
            if (s != null) {
                s.close();
            }
        }, () -> {
            try {
                Socket s = server.accept();
                peer.set(s);
                MessageDigest digest = Figures.sha256();
                OutputStream out = s.getOutputStream();
                for (long sent = 0; sent < floodSize; sent += block.length) {
                    out.write(block);
                    digest.update(block);
                }
                out.flush();
                sentSha.set(Figures.hex(digest.digest()));
            } catch (IOException e) {
                peerFailure.set(e);
            }
        });

        TcpSocketImpl socket = fixture.tcpSocket("flood", false);
        socket.setReadBufferLimit(readLimit);
        socket.setMaxLineLength(maxLine);
        SocketProbe probe = probe(socket);
        ReentrantLock lock = new ReentrantLock();
        Condition arrived = lock.newCondition();
        socket.addListener(new SocketListener() {
            @Override
            public void lineAvailableForRead(IpSocket s) {
                lock.lock();
                try {
                    arrived.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
        long heapBefore = Figures.usedHeapAfterGc();
        socket.connectToHost("127.0.0.1", server.getLocalPort());
        probe.awaitConnected(WAIT);

        MessageDigest digest = Figures.sha256();
        long total = 0;
        long pieces = 0;
        long wrongLength = 0;
        long maxAvailable = 0;
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        while (total < floodSize) {
            assertTrue(System.nanoTime() < deadline, "only " + total + " of " + floodSize + " B within 60 s");
            maxAvailable = Math.max(maxAvailable, socket.getBytesAvailable());
            if (!socket.canReadLine()) {
                lock.lock();
                try {
                    if (!socket.canReadLine()) {
                        arrived.await(10, TimeUnit.MILLISECONDS);
                    }
                } finally {
                    lock.unlock();
                }
                continue;
            }
            byte[] line = socket.readLine().getBytes(StandardCharsets.UTF_8);
            if (line.length != maxLine) {
                wrongLength++;
            }
            digest.update(line);
            total += line.length;
            pieces++;
        }
        long readMillis = Await.millisBetween(start, System.nanoTime());
        long heapAfter = Figures.usedHeapAfterGc();
        Await.until(() -> sentSha.get() != null || peerFailure.get() != null, WAIT, () -> "the flooder to finish");

        assertEquals(null, peerFailure.get());
        assertEquals(floodSize, total);
        assertEquals(floodSize / maxLine, pieces);
        assertEquals(0, wrongLength, "pieces not of maxLineLength");
        assertEquals(sentSha.get(), Figures.hex(digest.digest()));
        assertTrue(maxAvailable <= readLimit, "getBytesAvailable() " + maxAvailable + " > " + readLimit);
        long growth = heapAfter - heapBefore;
        assertTrue(growth < HEAP_GROWTH_BOUND, "heap grew by " + Figures.mib(growth));
        assertEquals(0, socket.getBytesAvailable());
        assertEquals(floodSize, socket.getBytesReceived());

        Figures.record("9 flood without newlines", "pieces",
                pieces + " lines of exactly " + maxLine + " B = " + total + " B (64 MiB) in " + readMillis
                        + " ms; SHA-256 equal to what the peer sent");
        Figures.record("9 flood without newlines", "read buffer bound",
                "max getBytesAvailable() " + maxAvailable + " B (readBufferLimit " + readLimit + " B)");
        Figures.record("9 flood without newlines", "heap",
                "used after GC " + Figures.mib(heapBefore) + " before, " + Figures.mib(heapAfter) + " after (growth "
                        + Figures.mib(growth) + ", bound " + Figures.mib(HEAP_GROWTH_BOUND) + ")");
        assertEquals(java.util.List.of(), probe.errors(), probe::describe);
    }
}
