package ipsocket.reliability.fault;

import static ipsocket.api.SocketState.CLOSING;
import static ipsocket.api.SocketState.CONNECTED;
import static ipsocket.api.SocketState.CONNECTING;
import static ipsocket.api.SocketState.DISCONNECTED;
import static ipsocket.api.SocketState.HOST_LOOKUP;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.closeQuietly;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * The peer ends a connection while data flows, on loopback: with a reset (SO_LINGER 0) and
 * with a half-close (shutdownOutput).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PeerCloseFaultsIT {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final int CHUNK = 16 * 1024;

    /**
     * Fault 4: the peer resets the connection mid-stream, while the socket is writing. The
     * socket reports RemoteHostClosedError (11), goes Unconnected, and autoConnect reconnects
     * once, after the backoff's lower bound.
     */
    @Test
    void aResetMidStreamIsRemoteHostClosedAndTheSocketReconnects() {
        ServerSocket server = fixture.listen(50);
        List<Socket> peerSockets = new CopyOnWriteArrayList<>();
        AtomicLong resetAt = new AtomicLong();
        AtomicLong peerReadBeforeReset = new AtomicLong();
        AtomicInteger accepted = new AtomicInteger();
        fixture.startThread("reset-peer", () -> {
            server.close();
            closeQuietly(peerSockets);
        }, () -> {
            try {
                Socket first = server.accept();
                peerSockets.add(first);
                accepted.incrementAndGet();
                first.getOutputStream().write(Figures.randomBytes(32 * 1024, 4));
                peerReadBeforeReset.set(readAtLeast(first.getInputStream(), 64 * 1024));
                first.setSoLinger(true, 0);
                resetAt.set(System.nanoTime());
                first.close(); // RST
                while (!Thread.currentThread().isInterrupted()) {
                    Socket next = server.accept(); // hold later connections open, reading
                    peerSockets.add(next);
                    accepted.incrementAndGet();
                    readAtLeast(next.getInputStream(), Long.MAX_VALUE);
                }
            } catch (IOException closedByCleanup) {
                // the test is over
            }
        });

        TcpSocketImpl socket = fixture.tcpSocket("reset", true);
        socket.setReconnectMinInterval(100);
        socket.setReconnectMaxInterval(400);
        SocketProbe probe = probe(socket);
        byte[] chunk = Figures.randomBytes(CHUNK, 5);
        AtomicLong received = new AtomicLong();
        AtomicLong acceptedForSending = new AtomicLong();
        socket.addListener(new SocketListener() {
            @Override
            public void connected(IpSocket s) {
                pump();
            }

            @Override
            public void bytesWritten(IpSocket s, long bytes) {
                pump();
            }

            @Override
            public void readyRead(IpSocket s) {
                received.addAndGet(s.readAll().length);
            }

            private void pump() {
                // bounded: at most 8 MiB per test
                while (acceptedForSending.get() < 8L * Figures.MIB && socket.getState() == CONNECTED) {
                    long n = socket.write(chunk);
                    if (n <= 0) {
                        return;
                    }
                    acceptedForSending.addAndGet(n);
                }
            }
        });

        socket.connectToHost("127.0.0.1", server.getLocalPort());
        probe.awaitConnected(WAIT);
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        long detectedAt = probe.events(SocketProbe.Kind.ERROR).get(0).nanos();
        // What the socket accounted for on the reset connection, against what the peer read.
        long sentBeforeReset = socket.getBytesSent();
        long bytesWrittenBeforeReset = probe.bytesWrittenTotal();
        probe.awaitConnected(2, WAIT);
        long reconnectedAt = probe.events(SocketProbe.Kind.CONNECTED).get(1).nanos();
        long disconnectedAt = probe.events(SocketProbe.Kind.DISCONNECTED).get(0).nanos();
        probe.assertNotWithin(() -> accepted.get() > 2 || probe.connectedCount() > 2, Duration.ofMillis(800),
                "a further connection: the reconnect must happen once");

        List<SocketState> states = probe.states();
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED, DISCONNECTED, HOST_LOOKUP, CONNECTING, CONNECTED),
                states, probe::describe);
        assertEquals(List.of(SocketError.REMOTE_HOST_CLOSED_ERROR), probe.errors(), probe::describe);
        assertEquals(1, probe.disconnectedCount(), probe::describe);
        assertEquals(2, accepted.get());
        assertEquals(CONNECTED, socket.getState());
        long reconnectMillis = Await.millisBetween(disconnectedAt, reconnectedAt);
        assertTrue(reconnectMillis >= 100 - 5, "reconnected " + reconnectMillis + " ms after the reset, before the backoff");

        Figures.record("4 peer reset mid-stream", "detection",
                Await.millisBetween(resetAt.get(), detectedAt) + " ms from the peer's RST to RemoteHostClosedError(11)"
                        + " (peer had read " + peerReadBeforeReset.get() + " B, socket had accepted "
                        + acceptedForSending.get() + " B and received " + received.get() + " B)");
        Figures.record("4 peer reset mid-stream", "send accounting on the reset connection",
                "peer read " + peerReadBeforeReset.get() + " B; socket getBytesSent() " + sentBeforeReset
                        + " B; bytesWritten() callbacks " + bytesWrittenBeforeReset + " B");
        Figures.record("4 peer reset mid-stream", "states", states + "; errorString: " + probe.errorStrings().get(0));
        Figures.record("4 peer reset mid-stream", "reconnect",
                reconnectMillis + " ms after Unconnected (backoff 100..400 ms); connections accepted by the peer: "
                        + accepted.get());
    }

    /**
     * Fault 5: the peer half-closes (shutdownOutput) while the socket still has megabytes
     * queued for it. The socket reports RemoteHostClosedError (11), refuses new writes, keeps
     * sending what it had accepted until the peer has read all of it, then goes Unconnected.
     */
    @Test
    void aHalfCloseStillDeliversEverythingAccepted() throws Exception {
        ServerSocket server = fixture.listen(50);
        server.setReceiveBufferSize(64 * 1024); // little in flight: most stays in the socket's buffer
        AtomicReference<Socket> peer = new AtomicReference<>();
        fixture.startThread("halfclose-peer", () -> {
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

        TcpSocketImpl socket = fixture.tcpSocket("halfclose", false);
        socket.setWriteBufferLimit(8 * Figures.MIB);
        socket.setSendBufferSize(64 * 1024);
        SocketProbe probe = probe(socket);
        AtomicLong pendingAtError = new AtomicLong(-1);
        socket.addListener(new SocketListener() {
            @Override
            public void errorOccurred(IpSocket s, SocketError error, String text) {
                if (error == SocketError.REMOTE_HOST_CLOSED_ERROR) {
                    pendingAtError.compareAndSet(-1, s.getBytesToWrite());
                }
            }
        });
        socket.connectToHost("127.0.0.1", server.getLocalPort());
        probe.awaitConnected(WAIT);
        Await.until(() -> peer.get() != null, WAIT, () -> "the peer to accept");

        byte[] data = Figures.randomBytes(6 * Figures.MIB, 6);
        long accepted = socket.write(ByteBuffer.wrap(data));
        assertEquals(data.length, accepted, "the whole block fits the 8 MiB write buffer");
        stalled(socket::getBytesToWrite);
        long pendingAtFin = socket.getBytesToWrite();
        assertTrue(pendingAtFin > Figures.MIB, "most of the data still queued: " + pendingAtFin);

        long finAt = System.nanoTime();
        peer.get().shutdownOutput();
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        long detectedAt = probe.events(SocketProbe.Kind.ERROR).get(0).nanos();
        probe.awaitState(CLOSING, WAIT);
        assertFalse(socket.isWritable(), "no new writes after the peer's FIN");
        assertEquals(-1, socket.write(new byte[] {1}), "a write after the FIN is refused");
        assertEquals(0, probe.disconnectedCount(), "still sending, not disconnected yet: " + probe.describe());
        assertEquals(CLOSING, socket.getState());

        // Now the peer reads everything until the socket's FIN.
        MessageDigest digest = Figures.sha256();
        byte[] got = new byte[data.length];
        int total = 0;
        Socket s = peer.get();
        s.setSoTimeout(15_000);
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (total + n > got.length) {
                throw new AssertionError("peer got more than accepted: " + (total + n));
            }
            System.arraycopy(buffer, 0, got, total, n);
            digest.update(buffer, 0, n);
            total += n;
        }
        probe.awaitDisconnected(WAIT);

        String peerSha = Figures.hex(digest.digest());
        assertEquals(data.length, total);
        assertArrayEquals(data, got);
        assertEquals(Figures.sha256(data, 0, data.length), peerSha);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED, CLOSING, DISCONNECTED), probe.states(), probe::describe);
        List<SocketProbe.Event> events = probe.events();
        int errorIndex = indexOf(events, e -> e.kind() == SocketProbe.Kind.ERROR);
        int closingIndex = indexOf(events, e -> e.kind() == SocketProbe.Kind.STATE && e.value() == CLOSING);
        assertTrue(errorIndex < closingIndex, "RemoteHostClosedError before Closing: " + probe.describe());
        assertEquals(List.of(SocketError.REMOTE_HOST_CLOSED_ERROR, SocketError.OPERATION_ERROR), probe.errors(),
                probe::describe);
        assertEquals(1, probe.disconnectedCount());

        Figures.record("5 peer half-close", "queued when the FIN came",
                pendingAtFin + " B of " + accepted + " B accepted (" + pendingAtError.get()
                        + " B at the errorOccurred callback, " + Await.millisBetween(finAt, detectedAt) + " ms after the FIN)");
        Figures.record("5 peer half-close", "delivered after the FIN",
                total + " B read by the peer = " + accepted + " B accepted; SHA-256 equal ("
                        + peerSha.substring(0, 16) + "...); states " + probe.states());
    }

    private static long readAtLeast(InputStream in, long count) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        while (total < count) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Waits until a counter stops moving for 300 ms. */
    private static void stalled(java.util.function.LongSupplier counter) {
        long[] last = {counter.getAsLong(), System.nanoTime()};
        Await.until(() -> {
            long now = System.nanoTime();
            long value = counter.getAsLong();
            if (value != last[0]) {
                last[0] = value;
                last[1] = now;
                return false;
            }
            return now - last[1] > 300_000_000L;
        }, WAIT, () -> "the write buffer to stop draining");
    }

    private static int indexOf(List<SocketProbe.Event> events, java.util.function.Predicate<SocketProbe.Event> match) {
        for (int i = 0; i < events.size(); i++) {
            if (match.test(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such event in " + events);
    }
}
