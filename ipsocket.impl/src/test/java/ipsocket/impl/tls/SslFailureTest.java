package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.common.Fingerprints;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TlsPeer;

/**
 * Every way a TLS connection can fail, each with the error CONTRACT.md §5 names and an
 * errorString naming the cause; and none leaves a thread or file descriptor behind.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool runs in @BeforeAll: slow on a loaded machine
class SslFailureTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki otherPki;
    static TestPki.Entity server;
    static TestPki.Entity expired;
    static TestPki.Entity client;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir.resolve("a"), "trusted-ca", "EC");
        otherPki = new TestPki(dir.resolve("b"), "stranger-ca", "EC");
        server = pki.issue("server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
        expired = pki.issue("expired", "EC", "localhost", "dns:localhost,ip:127.0.0.1", true);
        client = pki.issue("client", "EC", "gateway-client", null, false);
    }

    private int serve(TestPki.Entity entity, Consumer<SSLSocket> tuning) throws Exception {
        return fixture.closeAfterTest(new TlsPeer(entity, null, tuning, TlsPeer.ECHO)).port();
    }

    private SslSocketImpl socket(String caFile) {
        SslSocketImpl socket = fixture.sslSocket();
        socket.setCaCertificates(List.of(caFile));
        return socket;
    }

    /** Connects and returns the errorString of the expected error, after Disconnected. */
    static String failWith(SslSocketImpl socket, int port, SocketError error) {
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", port);
        probe.awaitError(error, WAIT);
        probe.await(() -> socket.getState() == SocketState.DISCONNECTED, WAIT, "Disconnected");
        assertFalse(socket.isEncrypted());
        return socket.getErrorString();
    }

    static void assertNames(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "'" + part + "' missing in: " + text);
        }
    }

    @Test
    void untrustedChain() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = socket(otherPki.caPem().toString());
        SocketProbe probe = probe(socket);
        String text = failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "TLS handshake", "not trusted", "CN=localhost", Fingerprints.sha256(server.certificate()),
                "trusted-ca");
        assertEquals(1, probe.count(SocketProbe.Kind.SSL_ERRORS), "sslErrors before the error");
    }

    @Test
    void theJdkTrustStoreByDefaultDoesNotTrustATestCa() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = fixture.sslSocket();
        assertNames(failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR), "not trusted",
                "the JDK's trust store");
    }

    @Test
    void expiredCertificate() throws Exception {
        int port = serve(expired, null);
        String text = failWith(socket(pki.caPem().toString()), port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "expired on", "CN=localhost", Fingerprints.sha256(expired.certificate()));
    }

    @Test
    void wrongName() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setPeerVerifyName("broker.plant.example");
        String text = failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "does not match the name 'broker.plant.example'", "CN=localhost");
    }

    @Test
    void verifyNoneAcceptsAnyChainButPinsStillApply() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = fixture.sslSocket();
        socket.setPeerVerifyMode(ipsocket.api.PeerVerifyMode.VERIFY_NONE);
        socket.setPinnedPeerSha256(List.of(Fingerprints.sha256(server.chain().get(1)))); // the CA
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", port);
        probe.await(socket::isEncrypted, WAIT, "encrypted with the pinned CA in the chain");
    }

    @Test
    void pinMismatch() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = socket(pki.caPem().toString());
        String pin = "ab".repeat(32);
        socket.setPinnedPeerSha256(List.of(pin.toUpperCase().replaceAll("(..)(?!$)", "$1:")));
        String text = failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "pinnedPeerSha256", pin, Fingerprints.sha256(server.certificate()));
    }

    @Test
    void noCommonProtocol() throws Exception {
        int port = serve(server, TlsPeer.protocols("TLSv1.3"));
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setSslProtocols(List.of("TLSv1.2"));
        String text = failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "TLS handshake", "protocol");
    }

    @Test
    void peerAlertForAMissingClientCertificate() throws Exception {
        int port = fixture.closeAfterTest(new TlsPeer(server, pki.caPem(), TlsPeer.clientAuth(), TlsPeer.ECHO)).port();
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setSslProtocols(List.of("TLSv1.2")); // TLS 1.2: the alert comes during the handshake
        String text = failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "the peer sent the TLS alert");
    }

    @Test
    void anAlertThePeerSentBeforeResettingIsReportedNotTheBrokenPipe() throws Exception {
        // the refusal as a fast server makes it: our flight hits a reset connection, the alert waits unread
        int port = fixture.closeAfterTest(new TlsPeer(server, null, null,
                TlsPeer.ALERT_AND_RESET_AFTER_THE_SERVER_FLIGHT)).port();
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setSslProtocols(List.of("TLSv1.2"));
        String text = failWith(socket, port, SocketError.SSL_HANDSHAKE_FAILED_ERROR);
        assertNames(text, "the peer sent the TLS alert 'handshake_failure'");
    }

    @Test
    void handshakeTimeoutAgainstASilentPeer() throws Exception {
        ServerSocket silent = fixture.listen(50); // the OS completes TCP connections; nobody ever answers
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setHandshakeTimeout(300);
        SocketProbe probe = probe(socket);
        socket.connectToHost("127.0.0.1", silent.getLocalPort());
        probe.awaitConnected(WAIT); // TCP stands; TLS never answers
        probe.awaitError(SocketError.SSL_HANDSHAKE_FAILED_ERROR, WAIT);
        assertNames(socket.getErrorString(), "within 300 ms", "handshakeTimeout");
        probe.awaitDisconnected(WAIT);
    }

    @Test
    void unreadableKeyFile() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setLocalCertificate(client.certificatePem().toString());
        Path key = dir.resolve("no-such-key.pem");
        socket.setPrivateKey(key.toString());
        String text = failWith(socket, port, SocketError.SSL_INVALID_USER_DATA_ERROR);
        assertNames(text, "privateKey '" + key + "'", "no such file");
        Path locked = Files.copy(client.keyPem(), dir.resolve("locked-key.pem"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        assumeTrue(!Files.isReadable(locked), "running as root: file permissions do not lock anything");
        socket.setPrivateKey(locked.toString());
        assertNames(failWith(socket, port, SocketError.SSL_INVALID_USER_DATA_ERROR), "permission denied");
    }

    @Test
    void garbageCaFile() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
        String text = failWith(socket(garbage.toString()), serve(server, null), SocketError.SSL_INVALID_USER_DATA_ERROR);
        assertNames(text, "caCertificates '" + garbage + "'");
    }

    @Test
    void wrongKeyStorePasswordNamesTheFileNotThePassword() throws Exception {
        int port = serve(server, null);
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setKeyStore(client.keyStore().toString());
        socket.setKeyStorePassword("Sup3r-Secret-Wrong");
        String text = failWith(socket, port, SocketError.SSL_INVALID_USER_DATA_ERROR);
        assertNames(text, "keyStore '" + client.keyStore() + "'", "wrong .keyStorePassword");
        assertSecretNowhere(socket, "Sup3r-Secret-Wrong");
    }

    @Test
    void wrongPemKeyPassword() throws Exception {
        Path encrypted = pki.encryptedKeyWithOpenssl(client, "right-pass");
        assumeTrue(encrypted != null, "openssl is not installed (.ci/run installs it)");
        SslSocketImpl socket = socket(pki.caPem().toString());
        socket.setLocalCertificate(client.certificatePem().toString());
        socket.setPrivateKey(encrypted.toString());
        socket.setPrivateKeyPassword("Wr0ng-Pem-Secret");
        String text = failWith(socket, serve(server, null), SocketError.SSL_INVALID_USER_DATA_ERROR);
        assertNames(text, "privateKey '" + encrypted + "'", "wrong .privateKeyPassword");
        assertSecretNowhere(socket, "Wr0ng-Pem-Secret");
    }

    private static void assertSecretNowhere(SslSocketImpl socket, String secret) {
        assertFalse(socket.getErrorString().contains(secret));
        assertFalse(socket.toJson().contains(secret), socket.toJson());
        assertFalse(socket.serializeProperties().toString().contains(secret));
        assertFalse(socket.toString().contains(secret));
        assertFalse(socket.serializeProperties().containsKey(".keyStorePassword"));
        assertFalse(socket.serializeProperties().containsKey(".privateKeyPassword"));
    }

    @Test
    void failuresLeaveNoThreadOrFileDescriptor() throws Exception {
        assumeTrue(TestData.canCountFileDescriptors(), "no /proc/self/fd here");
        int good = serve(server, null);
        ServerSocket silent = fixture.listen(50); // the OS completes TCP connections; nobody ever answers
        Runnable cycle = () -> {
            for (int i = 0; i < 10; i++) {
                SslSocketImpl socket = new SslSocketImpl(fixture.loops(), "leak-" + i);
                try {
                    socket.setAutoConnect(false);
                    socket.setCaCertificates(List.of((i % 2 == 0 ? otherPki : pki).caPem().toString()));
                    socket.setHandshakeTimeout(200);
                    SocketProbe probe = probe(socket);
                    socket.connectToHost("localhost", i % 3 == 0 ? silent.getLocalPort() : good);
                    probe.await(() -> socket.isEncrypted() || socket.getError() != SocketError.NO_ERROR, WAIT, "an end");
                    socket.disconnectFromHost();
                    probe.await(() -> socket.getState() == SocketState.DISCONNECTED, WAIT, "Disconnected");
                } finally {
                    socket.dispose();
                }
            }
        };
        cycle.run();
        int fdBaseline = TestData.openFileDescriptors();
        cycle.run();
        cycle.run();
        Await.until(() -> TestData.openFileDescriptors() <= fdBaseline + 8, Duration.ofSeconds(15),
                () -> "file descriptors back to " + fdBaseline + ", now " + TestData.openFileDescriptors());
        Await.until(() -> TestData.liveThreads("ipsocket-").size() <= fixture.loops().threadCount() + 2
                , Duration.ofSeconds(15), () -> "threads: " + TestData.liveThreadNames("ipsocket-"));
    }
}
