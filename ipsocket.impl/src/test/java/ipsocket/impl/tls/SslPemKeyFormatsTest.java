package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ipsocket.api.SocketError;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestPki;
import ipsocket.impl.testing.TestPki.KeyForm;
import ipsocket.impl.testing.TlsPeer;

/**
 * The older PEM key forms operators have, read through BouncyCastle ({@link BcPemKeys}): PKCS#1
 * RSA and SEC1 EC keys, both also encrypted the traditional way (AES-256-CBC in {@code DEK-Info}),
 * and PKCS#8 encrypted with the legacy PBE-SHA1-3DES. Each is the client key of a mutual TLS
 * connection to a JDK server that requires it; a wrong password, a damaged key and a key of
 * another certificate are SslInvalidUserDataError naming the file, never the password. Keys are
 * made by {@code openssl} from fresh keytool keys; skipped, saying so, without openssl.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool runs in @BeforeAll: slow on a loaded machine
class SslPemKeyFormatsTest {
    private static final String PASSWORD = "Pem-Key-Secret-1";

    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Entity server;
    static TestPki.Entity rsaClient;
    static TestPki.Entity ecClient;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @BeforeAll
    static void certificates() throws Exception {
        assumeTrue(TestPki.commandExists("openssl"), "openssl is not installed: the PEM key form tests are skipped"
                + " (.ci/run installs the Debian package openssl)");
        pki = new TestPki(dir, "pem-ca", "EC");
        server = pki.issue("server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
        rsaClient = pki.issue("rsa-client", "RSA", "rsa-client", null, false);
        ecClient = pki.issue("ec-client", "EC", "ec-client", null, false);
    }

    private SslSocketImpl socket(TestPki.Entity client, Path key, String password) {
        SslSocketImpl socket = fixture.sslSocket();
        socket.setCaCertificates(List.of(pki.caPem().toString()));
        socket.setLocalCertificate(client.certificatePem().toString());
        socket.setPrivateKey(key.toString());
        socket.setPrivateKeyPassword(password);
        return socket;
    }

    private void assertMutualTls(TestPki.Entity client, KeyForm form) throws Exception {
        Path key = pki.keyWithOpenssl(client, form, PASSWORD);
        String header = Files.readString(key);
        assertTrue(form == KeyForm.PKCS8_PBE_SHA1_3DES ? header.contains("BEGIN ENCRYPTED PRIVATE KEY")
                : header.contains("BEGIN " + client.key().getAlgorithm() + " PRIVATE KEY")
                        && header.contains("Proc-Type: 4,ENCRYPTED") == (form == KeyForm.TRADITIONAL_AES256),
                () -> "openssl wrote " + form + " as: " + header.lines().limit(3).toList());
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, pki.caPem(), TlsPeer.clientAuth(), TlsPeer.ECHO));
        SslSocketImpl socket = socket(client, key, form == KeyForm.TRADITIONAL ? "" : PASSWORD);
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", peer.port());
        probe.await(socket::isEncrypted, WAIT, "encrypted with the " + form + " key");
        assertEquals(client.certificate().getSubjectX500Principal().getName(),
                peer.seen.get(10, TimeUnit.SECONDS).clientSubject(), "the server saw the client certificate");
        socket.write("ping\n");
        probe.await(socket::canReadLine, WAIT, "the echo");
        assertEquals("ping", socket.readLine());
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        assertEquals(null, Security.getProvider("BC"), "BouncyCastle is never installed as a JVM-wide provider");
    }

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void rsaKey(KeyForm form) throws Exception {
        assertMutualTls(rsaClient, form);
    }

    @ParameterizedTest
    @EnumSource(KeyForm.class)
    void ecKey(KeyForm form) throws Exception {
        assertMutualTls(ecClient, form);
    }

    /** Connects to a server that wants a client certificate and returns the errorString of SslInvalidUserDataError. */
    private String invalid(SslSocketImpl socket) throws Exception {
        TlsPeer peer = fixture.closeAfterTest(new TlsPeer(server, pki.caPem(), TlsPeer.clientAuth(), TlsPeer.ECHO));
        return SslFailureTest.failWith(socket, peer.port(), SocketError.SSL_INVALID_USER_DATA_ERROR);
    }

    private static void assertNames(String text, String... parts) {
        SslFailureTest.assertNames(text, parts);
    }

    @ParameterizedTest
    @EnumSource(value = KeyForm.class, names = {"TRADITIONAL_AES256", "PKCS8_PBE_SHA1_3DES"})
    void wrongPasswordNamesTheFileNotThePassword(KeyForm form) throws Exception {
        for (TestPki.Entity client : List.of(rsaClient, ecClient)) {
            Path key = pki.keyWithOpenssl(client, form, PASSWORD);
            SslSocketImpl socket = socket(client, key, "Wr0ng-" + PASSWORD);
            String text = invalid(socket);
            assertNames(text, "privateKey '" + key + "'", "wrong .privateKeyPassword");
            assertFalse(text.contains(PASSWORD), text);
            assertFalse(socket.toJson().contains(PASSWORD), socket.toJson());
            assertFalse(socket.serializeProperties().toString().contains(PASSWORD));

            SslSocketImpl without = socket(client, key, "");
            assertNames(invalid(without), "privateKey '" + key + "'", "is encrypted: set .privateKeyPassword");
        }
    }

    @Test
    void aDamagedTraditionalKeyNamesTheFile() throws Exception {
        Path key = pki.keyWithOpenssl(rsaClient, KeyForm.TRADITIONAL, null);
        List<String> lines = Files.readAllLines(key);
        lines.set(3, "A".repeat(lines.get(3).length())); // damaged DER inside a well-formed PEM block
        Path damaged = Files.write(dir.resolve("damaged-rsa.pem"), lines);
        assertNames(invalid(socket(rsaClient, damaged, "")), "privateKey '" + damaged + "'");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
        Path ecKey = pki.keyWithOpenssl(ecClient, KeyForm.TRADITIONAL, null);
        String text = invalid(socket(rsaClient, ecKey, ""));
        assertNames(text, "privateKey '" + ecKey + "'", "does not fit localCertificate '"
                + rsaClient.certificatePem() + "'");
        TestPki.Entity otherEc = pki.issue("other-ec", "EC", "other-ec", null, false);
        text = invalid(socket(ecClient, otherEc.keyPem(), ""));
        assertNames(text, "privateKey '" + otherEc.keyPem() + "'", "does not fit localCertificate '"
                + ecClient.certificatePem() + "'", "CN=ec-client");
    }
}
