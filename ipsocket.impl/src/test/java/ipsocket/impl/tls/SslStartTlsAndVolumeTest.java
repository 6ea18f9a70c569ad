package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketListener;
import ipsocket.api.SslMode;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TlsPeer;

/**
 * STARTTLS against a line server that switches to TLS after {@code STARTTLS} (no byte lost or
 * duplicated at the switch), and volume: a large transfer with SHA-256 compared both ways, and
 * backpressure against a slow TLS reader.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool runs in @BeforeAll: slow on a loaded machine
class SslStartTlsAndVolumeTest {
    /** Bytes sent each way in the large transfer: 100 MiB, made in chunks from seeded generators, never held whole. */
    static final int LARGE = 100 << 20;
    private static final int CHUNK = 256 * 1024;

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Entity server;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir, "volume-ca", "EC");
        server = pki.issue("server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
    }

    private SslSocketImpl socket() {
        SslSocketImpl socket = fixture.sslSocket();
        socket.setCaCertificates(List.of(pki.caPem().toString()));
        return socket;
    }

    @Test
    void startTlsSwitchesWithoutLosingOrDuplicatingAByte() throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, null, (tls, plain) -> {
            InputStream in = plain.getInputStream();
            OutputStream out = plain.getOutputStream();
            out.write("220 hello plain\n".getBytes(StandardCharsets.US_ASCII));
            String line = readLine(in);
            if (!line.equals("STARTTLS")) {
                throw new IllegalStateException("expected STARTTLS, got " + line);
            }
            // the answer and the first bytes of nothing else: the client switches after reading it
            out.write("220 go ahead\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (SSLSocket secured = tls.tls(plain, null)) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(secured.getInputStream(),
                        StandardCharsets.US_ASCII));
                String request = reader.readLine();
                secured.getOutputStream().write(("250 secure echo: " + request + "\n").getBytes(StandardCharsets.US_ASCII));
                secured.getOutputStream().flush();
                reader.readLine(); // until close_notify
            }
        }));
        SslSocketImpl socket = socket();
        socket.setMode(SslMode.UNENCRYPTED_MODE);
        SocketProbe probe = probe(socket);
        socket.addListener(new SocketListener() {
            @Override
            public void readyRead(IpSocket s) {
                if (socket.canReadLine() && !socket.isEncrypted() && socket.getMode() == SslMode.UNENCRYPTED_MODE) {
                    String line = socket.readLine();
                    if (line.equals("220 hello plain")) {
                        socket.write("STARTTLS\n");
                    } else if (line.equals("220 go ahead")) {
                        assertTrue(socket.startClientEncryption());
                        socket.write("MAIL FROM:<gateway@example>\n"); // queued, then encrypted
                    }
                }
            }
        });
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted after STARTTLS");
        assertEquals(SslMode.SSL_CLIENT_MODE, socket.getMode());
        probe.await(socket::canReadLine, WAIT, "the secure answer");
        assertEquals("250 secure echo: MAIL FROM:<gateway@example>", socket.readLine());
        assertEquals(1, probe.count(SocketProbe.Kind.MODE));
        assertFalse(peer.failure.isDone(), () -> "server: " + peer.failure.getNow(null));
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
    }

    @Test
    void startTlsRefusedWhenNotConnected() {
        SslSocketImpl socket = socket();
        SocketProbe probe = probe(socket);
        socket.setMode(SslMode.UNENCRYPTED_MODE);
        assertFalse(socket.startClientEncryption());
        probe.awaitError(ipsocket.api.SocketError.OPERATION_ERROR, WAIT);
        assertTrue(socket.getErrorString().contains("Cannot start TLS on socket '" + socket.getObjectId()
                + "'") && socket.getErrorString().contains("Disconnected"), socket.getErrorString());
    }

    private static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b); // byte by byte: nothing after the line is consumed
        }
        return line.toString();
    }

    @Test
    void largeTransferBothWaysWithSha256() throws Exception {
        CompletableFuture<byte[]> serverDigest = new CompletableFuture<>();
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, null, (tls, plain) -> {
            try (SSLSocket secured = tls.tls(plain, null)) {
                Thread sender = new Thread(() -> {
                    try {
                        Random download = new Random(2);
                        byte[] chunk = new byte[CHUNK];
                        for (int sentDown = 0; sentDown < LARGE; sentDown += CHUNK) {
                            download.nextBytes(chunk);
                            secured.getOutputStream().write(chunk);
                        }
                        secured.getOutputStream().flush();
                    } catch (java.io.IOException e) {
                        serverDigest.completeExceptionally(e);
                    }
                }, "tls-volume-sender");
                sender.start();
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] chunk = new byte[64 * 1024];
                long total = 0;
                InputStream in = secured.getInputStream();
                while (total < LARGE) {
                    int count = in.read(chunk);
                    if (count < 0) {
                        break;
                    }
                    digest.update(chunk, 0, count);
                    total += count;
                }
                serverDigest.complete(digest.digest());
                sender.join();
                in.read(); // until close_notify
            }
        }));
        SslSocketImpl socket = socket();
        socket.setWriteBufferLimit(4 << 20);
        SocketProbe probe = probe(socket);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long[] receivedCount = {0};
        int[] sent = {0};
        Random upload = new Random(1);
        java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(CHUNK).limit(0);
        socket.addListener(new SocketListener() {
            @Override
            public void readyRead(IpSocket s) {
                byte[] bytes = socket.readAll();
                received.update(bytes);
                receivedCount[0] += bytes.length;
            }

            @Override
            public void bytesWritten(IpSocket s, long bytes) {
                offer();
            }

            @Override
            public void encrypted(ipsocket.api.SslSocket s) {
                offer();
            }

            private void offer() {
                while (sent[0] < LARGE) {
                    if (!pending.hasRemaining()) {
                        upload.nextBytes(pending.array());
                        pending.clear();
                    }
                    long taken = socket.write(pending);
                    if (taken <= 0) {
                        return;
                    }
                    sent[0] += (int) taken; // the position advanced past what was taken
                }
            }
        });
        socket.connectToHost("localhost", peer.port());
        probe.await(() -> receivedCount[0] == LARGE && sent[0] == LARGE && socket.getBytesToWrite() == 0,
                Duration.ofSeconds(90), "both directions complete");
        assertArrayEquals(expectedDigest(1), serverDigest.get(30, TimeUnit.SECONDS), "what the server received");
        synchronized (received) {
            assertArrayEquals(expectedDigest(2), received.digest(), "what the socket received");
        }
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
    }

    /** The SHA-256 of the LARGE bytes a seeded generator makes in CHUNKs. */
    private static byte[] expectedDigest(long seed) throws Exception {
        Random random = new Random(seed);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[CHUNK];
        for (int made = 0; made < LARGE; made += CHUNK) {
            random.nextBytes(chunk);
            digest.update(chunk);
        }
        return digest.digest();
    }

    @Test
    void slowTlsReaderMakesWritesBackUpWithinTheLimit() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Long> drained = new CompletableFuture<>();
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, null, (tls, plain) -> {
            plain.setReceiveBufferSize(16 * 1024);
            try (SSLSocket secured = tls.tls(plain, null)) {
                release.get(60, TimeUnit.SECONDS); // reads nothing until released
                byte[] chunk = new byte[64 * 1024];
                long total = 0;
                for (int count = secured.getInputStream().read(chunk); count > 0;
                        count = secured.getInputStream().read(chunk)) {
                    total += count;
                }
                drained.complete(total);
            }
        }));
        SslSocketImpl socket = socket();
        socket.setWriteBufferLimit(256 * 1024);
        socket.setSendBufferSize(16 * 1024);
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        byte[] block = new byte[64 * 1024];
        long accepted = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // write until the socket refuses: the OS buffers and then the write buffer are full
        while (System.nanoTime() < deadline) {
            long taken = socket.write(block);
            if (taken == 0) {
                break;
            }
            accepted += taken;
            if (taken < block.length) {
                probe.await(() -> socket.getBytesToWrite() >= 256 * 1024 - 1, WAIT, "the write buffer full");
            }
        }
        assertEquals(0, socket.write(block), "a full write buffer accepts nothing");
        assertTrue(socket.getBytesToWrite() <= 256 * 1024, "bounded: " + socket.getBytesToWrite());
        release.complete(null);
        long total = accepted;
        probe.await(() -> socket.getBytesToWrite() == 0, Duration.ofSeconds(30), "everything sent once the reader reads");
        socket.disconnectFromHost();
        assertEquals(total, drained.get(30, TimeUnit.SECONDS), "every accepted byte arrived, once");
    }
}
