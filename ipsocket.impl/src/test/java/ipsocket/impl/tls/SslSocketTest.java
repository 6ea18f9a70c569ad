package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.SslMode;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TlsPeer;

/**
 * TLS against a JDK TLS server on loopback: handshakes with TLS 1.3 and 1.2, RSA and EC keys,
 * data both ways, close_notify on disconnect, mutual TLS (PEM and PKCS#12), ALPN and SNI as the
 * server sees them.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool runs in @BeforeAll: slow on a loaded machine
class SslSocketTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Entity rsaServer;
    static TestPki.Entity ecServer;
    static TestPki.Entity client;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir, "test-ca", "RSA");
        rsaServer = pki.issue("rsa-server", "RSA", "localhost", "dns:localhost,ip:127.0.0.1", false);
        ecServer = pki.issue("ec-server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
        client = pki.issue("client", "EC", "gateway-client", null, false);
    }

    private TlsPeer peer(TestPki.Entity server, Path clientCa, java.util.function.Consumer<SSLSocket> tuning,
            TlsPeer.Handler handler) throws Exception {
        return fixture.closeAfterTest(new TlsPeer(server, clientCa, tuning, handler));
    }

    private ipsocket.impl.tls.SslSocketImpl trustingSocket() {
        ipsocket.impl.tls.SslSocketImpl socket = fixture.sslSocket();
        socket.setCaCertificates(List.of(pki.caPem().toString()));
        return socket;
    }

    @ParameterizedTest
    @CsvSource({"TLSv1.3,RSA", "TLSv1.3,EC", "TLSv1.2,RSA", "TLSv1.2,EC"})
    void handshakesAndEchoesThenClosesWithCloseNotify(String protocol, String keys) throws Exception {
        TlsPeer server = peer(keys.equals("RSA") ? rsaServer : ecServer, null, TlsPeer.protocols(protocol),
                TlsPeer.ECHO);
        SslSocketImpl socket = trustingSocket();
        SocketProbe probe = probe(socket);
        assertEquals(SslMode.SSL_CLIENT_MODE, socket.getMode());
        socket.connectToHost("localhost", server.port());
        socket.write("written while connecting\n"); // waits for the handshake, then goes out encrypted
        probe.awaitConnected(WAIT);
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        assertEquals(protocol, socket.getSessionProtocol());
        assertFalse(socket.getSessionCipher().isEmpty());
        assertEquals("CN=localhost", socket.getPeerCertificateChain().get(0).getSubjectX500Principal().getName());
        assertEquals(2, socket.getPeerCertificateChain().size());
        probe.await(socket::canReadLine, WAIT, "the echo of the early line");
        assertEquals("written while connecting", socket.readLine());
        assertEquals(6, socket.write("hello\n"));
        probe.await(socket::canReadLine, WAIT, "the echo");
        assertEquals("hello", socket.readLine());
        assertEquals(protocol, server.seen.get(10, TimeUnit.SECONDS).protocol());

        // order: connected (TCP), then encrypted
        List<SocketProbe.Kind> order = probe.events().stream().map(SocketProbe.Event::kind)
                .filter(k -> k == SocketProbe.Kind.CONNECTED || k == SocketProbe.Kind.ENCRYPTED).toList();
        assertEquals(List.of(SocketProbe.Kind.CONNECTED, SocketProbe.Kind.ENCRYPTED), order);

        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        // the server's transferTo ended on our close_notify, not on a truncation
        assertFalse(server.failure.isDone(), () -> "server failed: " + server.failure.getNow(null));
        assertFalse(socket.isEncrypted());
        assertTrue(socket.getSessionProtocol().isEmpty());
    }

    @Test
    void serverCloseNotifyIsARemoteCloseSayingSo() throws Exception {
        TlsPeer server = peer(rsaServer, null, null, (peer, plain) -> {
            try (SSLSocket tls = peer.tls(plain, null)) {
                tls.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8));
            } // close sends close_notify
        });
        SslSocketImpl socket = trustingSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", server.port());
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        probe.awaitDisconnected(WAIT);
        assertEquals("bye", socket.readLine());
        assertTrue(socket.getErrorString().contains("close_notify"), socket.getErrorString());
        assertFalse(socket.getErrorString().contains("truncated"), socket.getErrorString());
    }

    @Test
    void endWithoutCloseNotifyIsReportedAsTruncation() throws Exception {
        TlsPeer server = peer(rsaServer, null, null, (peer, plain) -> {
            SSLSocket tls = peer.tls(plain, null);
            tls.getOutputStream().write("partial\n".getBytes(StandardCharsets.UTF_8));
            tls.getOutputStream().flush();
            plain.close(); // FIN without close_notify
        });
        SslSocketImpl socket = trustingSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", server.port());
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        probe.awaitDisconnected(WAIT);
        assertEquals("partial", socket.readLine());
        assertTrue(socket.getErrorString().contains("without TLS close_notify"), socket.getErrorString());
    }

    @Test
    void sniAndAlpnAreWhatTheServerSees() throws Exception {
        TlsPeer server = peer(rsaServer, null, TlsPeer.alpn("mqtt", "h2"), TlsPeer.ECHO);
        SslSocketImpl socket = trustingSocket();
        socket.setAlpnProtocols(List.of("x-unknown", "mqtt"));
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", server.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        TlsPeer.Seen seen = server.seen.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("localhost"), seen.sniNames());
        assertEquals("mqtt", seen.alpn());
        assertEquals("mqtt", socket.getNegotiatedAlpnProtocol());
    }

    @Test
    void peerVerifyNameIsTheSniNameAndTheNameChecked() throws Exception {
        TestPki.Entity device = pki.issue("device", "EC", "device-17.plant.example", "dns:device-17.plant.example",
                false);
        TlsPeer server = peer(device, null, null, TlsPeer.ECHO);
        SslSocketImpl socket = trustingSocket();
        socket.setPeerVerifyName("device-17.plant.example");
        SocketProbe probe = probe(socket);
        socket.connectToHost("127.0.0.1", server.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        assertEquals(List.of("device-17.plant.example"), server.seen.get(10, TimeUnit.SECONDS).sniNames());
    }

    @Test
    void mutualTlsWithPemFiles() throws Exception {
        TlsPeer server = peer(rsaServer, pki.caPem(), TlsPeer.clientAuth(), TlsPeer.ECHO);
        SslSocketImpl socket = trustingSocket();
        socket.setLocalCertificate(client.certificatePem().toString());
        socket.setPrivateKey(client.keyPem().toString());
        assertEncryptedAs(server, socket);
    }

    @Test
    void mutualTlsWithEncryptedPemKey() throws Exception {
        TlsPeer server = peer(ecServer, pki.caPem(), TlsPeer.clientAuth(), TlsPeer.ECHO);
        SslSocketImpl socket = trustingSocket();
        socket.setLocalCertificate(client.certificatePem().toString());
        Path encrypted = pki.encryptedKeyWithOpenssl(client, "key-pass");
        org.junit.jupiter.api.Assumptions.assumeTrue(encrypted != null, "openssl is not installed (.ci/run installs it)");
        socket.setPrivateKey(encrypted.toString());
        socket.setPrivateKeyPassword("key-pass");
        assertEncryptedAs(server, socket);
    }

    @Test
    void mutualTlsWithPkcs12() throws Exception {
        TlsPeer server = peer(rsaServer, pki.caPem(), TlsPeer.clientAuth(), TlsPeer.ECHO);
        SslSocketImpl socket = trustingSocket();
        socket.setKeyStore(client.keyStore().toString());
        socket.setKeyStorePassword(TestPki.STORE_PASSWORD);
        assertEncryptedAs(server, socket);
    }

    private void assertEncryptedAs(TlsPeer server, SslSocketImpl socket) throws Exception {
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", server.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        assertEquals("CN=gateway-client", server.seen.get(10, TimeUnit.SECONDS).clientSubject());
        socket.write("ping\n");
        probe.await(socket::canReadLine, WAIT, "the echo");
        assertEquals("ping", socket.readLine());
        assertEquals(SocketState.CONNECTED, socket.getState());
    }
}
