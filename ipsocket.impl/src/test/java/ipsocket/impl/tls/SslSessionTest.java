package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ipsocket.api.SocketError;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TlsPeer;

/**
 * What happens across and within sessions: resumption on reconnect, a TLS 1.3 key update and a
 * TLS 1.2 renegotiation asked for by the server in the middle of the data, and a renewed CA file
 * taken on the next connect without restarting anything.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool runs in @BeforeAll: slow on a loaded machine
class SslSessionTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki other;
    static TestPki.Entity server;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir.resolve("a"), "session-ca", "RSA");
        other = new TestPki(dir.resolve("b"), "other-ca", "EC");
        server = pki.issue("server", "RSA", "localhost", "dns:localhost,ip:127.0.0.1", false);
    }

    private SslSocketImpl socket(Path ca) {
        SslSocketImpl socket = fixture.sslSocket();
        socket.setCaCertificates(List.of(ca.toString()));
        return socket;
    }

    /** Echoes lines; after the first line asks for a new handshake (TLS 1.3: key update; 1.2: renegotiation). */
    private static final TlsPeer.Handler REKEY_ECHO = (peer, plain) -> {
        try (SSLSocket tls = peer.tls(plain, null)) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                tls.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                tls.getOutputStream().flush();
                if (line.equals("rekey")) {
                    tls.startHandshake();
                }
            }
        }
    };

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void serverAskedRekeyKeepsTheStreamWhole(String protocol) throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, TlsPeer.protocols(protocol), REKEY_ECHO));
        SslSocketImpl socket = socket(pki.caPem());
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        socket.write("rekey\n");
        probe.await(socket::canReadLine, WAIT, "echo before the rekey");
        assertEquals("rekey", socket.readLine());
        for (int i = 0; i < 50; i++) {
            socket.write("line " + i + "\n");
        }
        for (int i = 0; i < 50; i++) {
            probe.await(socket::canReadLine, WAIT, "echo " + i + " after the rekey");
            assertEquals("line " + i, socket.readLine());
        }
        assertEquals(SocketError.NO_ERROR, socket.getError(), socket.getErrorString());
        assertEquals(1, probe.count(SocketProbe.Kind.ENCRYPTED), "encrypted once, not again for the rekey");
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        assertFalse(peer.failure.isDone(), () -> "server: " + peer.failure.getNow(null));
    }

    /**
     * TLS 1.3 half-close: shutdownOutput() sends every written byte, then close_notify and FIN;
     * the server reads to the end of the stream and still answers, and the socket reads the answer.
     */
    @Test
    void halfCloseSendsCloseNotifyAndKeepsReading() throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, TlsPeer.protocols("TLSv1.3"), (tls, plain) -> {
            try (SSLSocket secured = tls.tls(plain, null)) {
                byte[] all = secured.getInputStream().readAllBytes(); // until close_notify
                secured.getOutputStream().write(("got " + all.length + " bytes\n").getBytes(StandardCharsets.UTF_8));
                secured.getOutputStream().flush();
            }
        }));
        SslSocketImpl socket = socket(pki.caPem());
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        socket.write(new byte[100_000]);
        assertTrue(socket.shutdownOutput());
        probe.await(socket::canReadLine, WAIT, "the answer after our close_notify");
        assertEquals("got 100000 bytes", socket.readLine());
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        assertTrue(socket.getErrorString().contains("(TLS close_notify)"), socket.getErrorString());
        probe.awaitDisconnected(WAIT);
        assertFalse(peer.failure.isDone(), () -> "server: " + peer.failure.getNow(null));
    }

    /**
     * Reconnecting resumes the session: TLS 1.2 by session ID, TLS 1.3 by a pre-shared key from
     * the NewSessionTicket the server sends after the handshake (so data is exchanged first, which
     * makes the socket read the ticket). The server's evidence: the session of a resumed
     * handshake keeps the creation time of the session it resumes (TLS 1.2 also its ID; the JDK's
     * TLS 1.3 tickets are stateless and give each connection a new ID), while a full handshake
     * makes a session created now. The test waits until the clock has passed the first session's
     * creation, so a full handshake could not show the same time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aSecondConnectResumesTheSession(String protocol) throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, TlsPeer.protocols(protocol), TlsPeer.ECHO));
        SslSocketImpl socket = socket(pki.caPem());
        SocketProbe probe = probe(socket);
        for (int i = 1; i <= 3; i++) {
            connectEchoDisconnect(socket, probe, peer, i);
        }
        TlsPeer.Seen first = peer.handshakes.get(0);
        for (TlsPeer.Seen resumed : peer.handshakes.subList(1, 3)) {
            assertEquals(protocol, resumed.protocol());
            assertEquals(first.sessionCreated(), resumed.sessionCreated(), () -> "resumed: " + peer.handshakes);
            if (protocol.equals("TLSv1.2")) {
                assertEquals(first.sessionId(), resumed.sessionId(), () -> "resumed: " + peer.handshakes);
            }
        }
    }

    /** The control for the evidence above: a new socket (a context of its own) makes a full handshake, a new session. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aNewSocketMakesAFullHandshake(String protocol) throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, TlsPeer.protocols(protocol), TlsPeer.ECHO));
        for (int i = 1; i <= 2; i++) {
            SslSocketImpl socket = socket(pki.caPem());
            connectEchoDisconnect(socket, probe(socket), peer, 1);
        }
        assertNotEquals(peer.handshakes.get(0).sessionCreated(), peer.handshakes.get(1).sessionCreated(),
                () -> "two full handshakes: " + peer.handshakes);
        assertNotEquals(peer.handshakes.get(0).sessionId(), peer.handshakes.get(1).sessionId());
    }

    /** One connection: handshake, a line echoed (the TLS 1.3 ticket comes before it), disconnect; then the clock passes its session's creation. */
    private static void connectEchoDisconnect(SslSocketImpl socket, SocketProbe probe, TlsPeer peer, int i) {
        int before = peer.handshakes.size();
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted " + i);
        socket.write("ping " + i + "\n");
        probe.await(socket::canReadLine, WAIT, "echo " + i);
        assertEquals("ping " + i, socket.readLine());
        socket.disconnectFromHost();
        probe.awaitDisconnected(i, WAIT);
        Await.until(() -> peer.handshakes.size() == before + 1, WAIT, () -> "handshake " + i + ": " + peer.handshakes);
        long created = peer.handshakes.get(before).sessionCreated();
        Await.until(() -> System.currentTimeMillis() > created, WAIT, () -> "the clock to pass " + created);
    }

    @Test
    void aChangedCaFileIsReadOnTheNextConnect() throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, null, null, TlsPeer.ECHO));
        Path ca = dir.resolve("renewed-ca.pem");
        Files.copy(other.caPem(), ca);
        SslSocketImpl socket = socket(ca);
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", peer.port());
        probe.awaitError(SocketError.SSL_HANDSHAKE_FAILED_ERROR, WAIT);
        probe.awaitDisconnected(WAIT);

        Files.copy(pki.caPem(), ca, StandardCopyOption.REPLACE_EXISTING); // the operator renews the file
        Files.setLastModifiedTime(ca, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2_000));
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted with the renewed CA file");
        assertTrue(socket.getPeerCertificateChain().size() >= 1);
        assertNotEquals(SocketError.SSL_INVALID_USER_DATA_ERROR, socket.getError());
    }
}
