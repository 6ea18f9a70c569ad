package ipsocket.reliability.fault;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.closeQuietly;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * Fault 10: 10 MiB each way, verified with SHA-256, while the connection is closed gracefully
 * every 256 KiB, alternately by the peer (FIN, autoConnect reconnects) and by the application
 * (disconnectFromHost(), then connectToHost()).
 *
 * <p>The application's framing: each connection starts with a 16-byte client header, the
 * offset in the client's stream of its next payload byte and the offset in the peer's stream
 * of the next byte it has not received; the peer answers with an 8-byte header, the offset it
 * sends from, then payload. The client continues its stream where write() stopped accepting,
 * because every byte write() accepted must reach the peer even when the connection closes; the
 * peer re-sends from the offset the client names, because bytes in flight towards a client
 * that closes are legitimately lost. Per connection the test compares SHA-256 of the bytes
 * write() accepted with what the peer read, and, on connections the peer closed, of what the
 * peer sent with what the application read.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChurnIntegrityIT {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private static final int TOTAL = 10 * Figures.MIB;
    private static final int SHARE = 256 * 1024;
    private static final int CHUNK = 16 * 1024;
    private static final int CLIENT_HEADER = 16;
    private static final int PEER_HEADER = 8;

    private final byte[] c2p = Figures.randomBytes(TOTAL, 10);
    private final byte[] p2c = Figures.randomBytes(TOTAL, 20);
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** Which end closes connection k: the peer on even k, the application on odd k. */
    private static boolean peerCloses(int k) {
        return k % 2 == 0;
    }

    /** What one end saw of one connection. */
    record Conn(int index, long sentCount, String sentSha, long receivedCount, String receivedSha, boolean reset) {
    }

    /**
     * The application closes only when the peer has sent all it will send on the connection,
     * as a request/response protocol does: every byte accepted before disconnectFromHost() or
     * before the peer's FIN reaches the peer.
     */
    @Test
    void tenMebibytesEachWaySurviveGracefulCloseChurn() throws Exception {
        runChurn(false, "10 integrity under churn");
    }

    /**
     * Fault 10b: disconnectFromHost() while the peer is still sending and the application has
     * not read it. The contract ("every byte already accepted for sending is delivered before
     * the connection closes") must hold, and once did not: the implementation closed the channel with
     * unread bytes in the kernel's receive queue, Linux then sent a reset instead of a FIN and
     * discarded the accepted bytes still in flight. Now a graceful close sends FIN and waits for
     * the peer's (docs/RELIABILITY.md, 'Fixed bugs').
     */
    @Test
    void disconnectFromHostWithUnreadInputDeliversEverythingAccepted() throws Exception {
        ServerSocket server = fixture.listen(50);
        server.setReceiveBufferSize(4096); // the peer's window closes after a few KiB
        List<Socket> peerSockets = new CopyOnWriteArrayList<>();
        fixture.startThread("chatty-peer", () -> {
            server.close();
            closeQuietly(peerSockets);
        }, () -> {
            try {
                Socket s = server.accept();
                peerSockets.add(s);
                OutputStream out = s.getOutputStream();
                byte[] chatter = Figures.randomBytes(CHUNK, 30);
                for (int i = 0; i < 4 * Figures.MIB / CHUNK; i++) {
                    out.write(chatter); // blocks once the application stops reading
                }
            } catch (IOException closed) {
                // the application closed or the test is over
            }
        });

        TcpSocketImpl socket = fixture.tcpSocket("unread", false);
        socket.setMaxLineLength(512);
        socket.setReadBufferLimit(1024);
        socket.setSendBufferSize(512 * 1024);
        SocketProbe probe = probe(socket);
        socket.connectToHost("127.0.0.1", server.getLocalPort());
        probe.awaitConnected(WAIT);
        Await.until(() -> !peerSockets.isEmpty() && socket.getBytesAvailable() == 1024, WAIT,
                () -> "the peer's chatter to fill the read buffer");

        byte[] data = Figures.randomBytes(256 * 1024, 31);
        long accepted = socket.write(data);
        assertEquals(data.length, accepted);
        Await.until(() -> socket.getBytesToWrite() == 0, WAIT, () -> "the write buffer to drain into the kernel");
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);

        Socket s = peerSockets.get(0);
        s.setSoTimeout(10_000);
        MessageDigest digest = Figures.sha256();
        long read = 0;
        String ending = "end of stream";
        try {
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                read += n;
            }
        } catch (IOException e) {
            ending = e.toString();
        }
        Figures.record("10b disconnectFromHost with unread input", "bytes",
                accepted + " B accepted by write() and handed to the kernel before disconnectFromHost(); the peer read "
                        + read + " B, then: " + ending);
        assertEquals(accepted, read, "bytes accepted vs bytes the peer read (" + ending + ")");
        assertEquals(Figures.sha256(data, 0, data.length), Figures.hex(digest.digest()));
    }

    private void runChurn(boolean closeWhilePeerSends, String fault) throws Exception {
        ServerSocket server = fixture.listen(50);
        Peer peer = new Peer(server);
        fixture.startThread("churn-peer", server::close, peer::run);

        TcpSocketImpl socket = fixture.tcpSocket("churn", true);
        socket.setReconnectMinInterval(20);
        socket.setReconnectMaxInterval(200);
        SocketProbe probe = probe(socket);
        Client client = new Client(socket, closeWhilePeerSends);
        socket.addListener(client);

        long start = System.nanoTime();
        socket.connectToHost("127.0.0.1", server.getLocalPort());
        Await.until(() -> client.finished.getCount() == 0 || !violations.isEmpty(), Duration.ofSeconds(90),
                () -> "not finished in 90 s: client c2p " + client.c2pPos + ", p2c " + client.p2cPos + "\n"
                        + probe.describe());
        long millis = Await.millisBetween(start, System.nanoTime());
        if (violations.isEmpty()) {
            Await.until(() -> peer.connections.size() == client.connections.size(), WAIT,
                    () -> "the peer to finish its last connection: " + peer.connections.size() + " vs "
                            + client.connections.size());
        } else {
            Await.within(() -> peer.connections.size() >= client.connections.size(), Duration.ofSeconds(2));
        }

        int connections = Math.min(client.connections.size(), peer.connections.size());
        int peerClosed = 0;
        long comparedUp = 0;
        long comparedDown = 0;
        for (int k = 0; k < connections; k++) {
            Conn mine = client.connections.get(k);
            Conn theirs = peer.connections.get(k);
            String how = peerCloses(k) ? "closed by the peer's FIN" : "closed by disconnectFromHost()";
            // Every byte write() accepted on connection k reached the peer on connection k.
            assertEquals(mine.sentCount(), theirs.receivedCount(), "connection " + k + " (" + how + "): bytes accepted"
                    + " by write() vs bytes the peer read; peer saw a reset: " + theirs.reset() + "; " + violations);
            assertEquals(mine.sentSha(), theirs.receivedSha(), "connection " + k + " client -> peer SHA-256");
            comparedUp += mine.sentCount();
            if (peerCloses(k) || !closeWhilePeerSends) {
                assertEquals(theirs.sentCount(), mine.receivedCount(), "connection " + k + " peer -> client bytes");
                assertEquals(theirs.sentSha(), mine.receivedSha(), "connection " + k + " peer -> client SHA-256");
                comparedDown += mine.receivedCount();
            } else {
                assertTrue(mine.receivedCount() <= theirs.sentCount(), "connection " + k);
            }
            peerClosed += peerCloses(k) ? 1 : 0;
        }
        assertEquals(List.of(), violations);
        assertEquals(client.connections.size(), peer.connections.size());
        assertEquals(TOTAL, client.c2pPos);
        assertEquals(TOTAL, client.p2cPos);
        assertEquals(TOTAL, peer.c2pPos);
        assertEquals(Figures.sha256(c2p, 0, TOTAL), Figures.sha256(peer.c2pReceived, 0, TOTAL), "client -> peer stream");
        assertEquals(Figures.sha256(p2c, 0, TOTAL), Figures.hex(client.p2cDigest.digest()), "peer -> client stream");
        assertTrue(connections >= TOTAL / SHARE, "churn: only " + connections + " connections");
        long otherErrors = probe.errors().stream().filter(e -> e != SocketError.REMOTE_HOST_CLOSED_ERROR).count();
        assertEquals(0, otherErrors, probe::describe);

        long peerSentPayload = peer.connections.stream().mapToLong(c -> c.sentCount() - PEER_HEADER).sum();
        long resets = peer.connections.stream().filter(Conn::reset).count();
        Figures.record(fault, "connections",
                connections + " (" + peerClosed + " closed by the peer's FIN, " + (connections - peerClosed)
                        + " by disconnectFromHost()), " + probe.errorCount(SocketError.REMOTE_HOST_CLOSED_ERROR)
                        + " RemoteHostClosedError reports, no other error; " + millis + " ms");
        Figures.record(fault, "client -> peer",
                TOTAL + " B payload; per connection bytes accepted by write() = bytes the peer read, SHA-256 equal on all "
                        + connections + " (" + comparedUp + " B compared incl. headers); whole-stream SHA-256 equal");
        Figures.record(fault, "peer -> client",
                TOTAL + " B payload; per connection SHA-256 equal on " + (closeWhilePeerSends ? peerClosed : connections)
                        + " connections (" + comparedDown + " B compared); whole-stream SHA-256 equal; re-sent by the"
                        + " peer's protocol: " + (peerSentPayload - TOTAL) + " B; resets seen by the peer: " + resets);
    }

    /** The application: runs on the socket's loop thread, in its callbacks. */
    private final class Client implements SocketListener {
        final TcpSocketImpl socket;
        final boolean closeWhilePeerSends;
        final CountDownLatch finished = new CountDownLatch(1);
        final List<Conn> connections = new ArrayList<>();
        final MessageDigest p2cDigest = Figures.sha256();
        volatile int c2pPos;
        volatile int p2cPos;
        private int index = -1;
        private long acceptedThisConn;
        private int payloadThisConn;
        private MessageDigest acceptedDigest;
        private ByteArrayOutputStream receivedThisConn;
        private boolean closeRequested;
        private boolean done;

        Client(TcpSocketImpl socket, boolean closeWhilePeerSends) {
            this.socket = socket;
            this.closeWhilePeerSends = closeWhilePeerSends;
        }

        @Override
        public void connected(IpSocket s) {
            index++;
            acceptedThisConn = 0;
            payloadThisConn = 0;
            acceptedDigest = Figures.sha256();
            receivedThisConn = new ByteArrayOutputStream();
            closeRequested = false;
            byte[] header = ByteBuffer.allocate(CLIENT_HEADER).putLong(c2pPos).putLong(p2cPos).array();
            long n = socket.write(header);
            if (n != CLIENT_HEADER) {
                violations.add("connection " + index + ": header accepted " + n);
                return;
            }
            acceptedDigest.update(header);
            acceptedThisConn += n;
            pump();
        }

        @Override
        public void bytesWritten(IpSocket s, long bytes) {
            pump();
        }

        @Override
        public void readyRead(IpSocket s) {
            byte[] bytes = socket.readAll();
            if (receivedThisConn != null) {
                receivedThisConn.write(bytes, 0, bytes.length);
            }
            maybeClose();
        }

        @Override
        public void disconnected(IpSocket s) {
            if (acceptedDigest == null) {
                return;
            }
            byte[] got = receivedThisConn.toByteArray();
            if (got.length >= PEER_HEADER) {
                long offset = ByteBuffer.wrap(got, 0, PEER_HEADER).getLong();
                int payload = got.length - PEER_HEADER;
                if (offset != p2cPos) {
                    violations.add("connection " + index + ": peer sent from " + offset + ", expected " + p2cPos);
                } else if (p2cPos + payload > TOTAL
                        || !Arrays.equals(p2c, p2cPos, p2cPos + payload, got, PEER_HEADER, got.length)) {
                    violations.add("connection " + index + ": peer payload differs from its stream at " + p2cPos);
                } else {
                    p2cDigest.update(got, PEER_HEADER, payload);
                    p2cPos += payload;
                }
            }
            MessageDigest receivedDigest = Figures.sha256();
            receivedDigest.update(got);
            connections.add(new Conn(index, acceptedThisConn, Figures.hex(acceptedDigest.digest()), got.length,
                    Figures.hex(receivedDigest.digest()), false));
            acceptedDigest = null;
            if (done) {
                finished.countDown();
            } else if (closeRequested) {
                socket.connectToHost(); // disconnectFromHost() paused autoConnect
            }
            // after the peer's FIN, autoConnect reconnects by itself
        }

        private void pump() {
            if (acceptedDigest == null) {
                return;
            }
            while (payloadThisConn < SHARE && c2pPos < TOTAL) {
                int length = Math.min(CHUNK, Math.min(SHARE - payloadThisConn, TOTAL - c2pPos));
                long n = socket.write(ByteBuffer.wrap(c2p, c2pPos, length));
                if (n <= 0) {
                    break; // buffer full (0), or the peer's FIN arrived (-1)
                }
                acceptedDigest.update(c2p, c2pPos, (int) n);
                acceptedThisConn += n;
                payloadThisConn += (int) n;
                c2pPos += (int) n;
            }
            maybeClose();
        }

        private void maybeClose() {
            if (acceptedDigest == null || closeRequested) {
                return;
            }
            int received = Math.max(0, receivedThisConn.size() - PEER_HEADER);
            boolean allReceived = p2cPos + received >= TOTAL;
            // The peer sends SHARE bytes per connection: half of them while it still sends, or all.
            int enough = closeWhilePeerSends ? SHARE / 2 : SHARE;
            if (c2pPos == TOTAL && allReceived) {
                done = true;
                closeRequested = true;
                socket.setAutoConnect(false);
                socket.disconnectFromHost();
            } else if (!peerCloses(index) && (payloadThisConn >= SHARE || c2pPos == TOTAL)
                    && (received >= enough || allReceived)) {
                closeRequested = true;
                socket.disconnectFromHost();
            }
        }
    }

    /** The peer: one connection at a time, each read on the accepting thread, written by a helper. */
    private final class Peer {
        final ServerSocket server;
        final List<Conn> connections = new CopyOnWriteArrayList<>();
        final byte[] c2pReceived = new byte[TOTAL];
        volatile int c2pPos;
        private final Object progress = new Object();
        private long payloadThisConn;
        private boolean ended;

        Peer(ServerSocket server) {
            this.server = server;
        }

        void run() {
            for (int k = 0; k < 10_000; k++) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(30_000);
                    serve(k, s);
                } catch (IOException e) {
                    return; // closed by the cleanup
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void serve(int k, Socket s) throws IOException, InterruptedException {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[CLIENT_HEADER];
            in.readFully(header);
            MessageDigest receivedDigest = Figures.sha256();
            receivedDigest.update(header);
            ByteBuffer fields = ByteBuffer.wrap(header);
            long clientOffset = fields.getLong();
            long sendFrom = fields.getLong();
            if (clientOffset != c2pPos) {
                violations.add("peer connection " + k + ": client continues at " + clientOffset + " but "
                        + c2pPos + " B arrived: bytes lost or repeated");
            }
            synchronized (progress) {
                payloadThisConn = 0;
                ended = false;
            }
            long[] sent = {0};
            MessageDigest sentDigest = Figures.sha256();
            Thread writer = new Thread(() -> write(k, s, (int) sendFrom, sent, sentDigest), "fault-churn-peer-writer-" + k);
            writer.setDaemon(true);
            writer.start();
            long received = CLIENT_HEADER;
            boolean reset = false;
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (c2pPos + n > TOTAL) {
                        violations.add("peer connection " + k + ": more than " + TOTAL + " B");
                        break;
                    }
                    System.arraycopy(buffer, 0, c2pReceived, c2pPos, n);
                    receivedDigest.update(buffer, 0, n);
                    received += n;
                    c2pPos += n;
                    synchronized (progress) {
                        payloadThisConn += n;
                        progress.notifyAll();
                    }
                }
            } catch (IOException e) {
                reset = true; // the client's close came as a reset: what arrived before it was read
            }
            synchronized (progress) {
                ended = true;
                progress.notifyAll();
            }
            writer.join(30_000);
            connections.add(new Conn(k, sent[0], Figures.hex(sentDigest.digest()), received,
                    Figures.hex(receivedDigest.digest()), reset));
        }

        private void write(int k, Socket s, int from, long[] sent, MessageDigest digest) {
            try {
                OutputStream out = s.getOutputStream();
                byte[] header = ByteBuffer.allocate(PEER_HEADER).putLong(from).array();
                out.write(header);
                digest.update(header);
                sent[0] += header.length;
                int end = Math.min(TOTAL, from + SHARE);
                for (int pos = from; pos < end; pos += CHUNK) {
                    int length = Math.min(CHUNK, end - pos);
                    out.write(p2c, pos, length);
                    digest.update(p2c, pos, length);
                    sent[0] += length;
                }
                out.flush();
                if (!peerCloses(k)) {
                    return; // the application closes this one
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                synchronized (progress) {
                    while (!ended && payloadThisConn < SHARE && c2pPos < TOTAL) {
                        long remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            violations.add("peer connection " + k + ": the client's share did not arrive");
                            break;
                        }
                        TimeUnit.NANOSECONDS.timedWait(progress, remaining);
                    }
                }
                s.shutdownOutput(); // graceful close: FIN, then read until the client's FIN
            } catch (IOException e) {
                // the application closed first; what it read is checked on its side
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
