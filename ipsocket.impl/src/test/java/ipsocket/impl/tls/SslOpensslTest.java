package ipsocket.impl.tls;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ipsocket.api.SocketError;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestPki;

/**
 * Against {@code openssl s_server} (another TLS stack than the JDK's): TLS 1.3 and 1.2, mutual
 * TLS with PEM files, ALPN, a client without the certificate the server requires, and session
 * resumption (TLS 1.3 and 1.2) seen by the server. Skipped,
 * saying so, where no {@code openssl} is installed ({@code .ci/run} installs it).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // keytool runs in @BeforeAll: slow on a loaded machine
class SslOpensslTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Entity server;
    static TestPki.Entity client;

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @BeforeAll
    static void certificates() throws Exception {
        assumeTrue(TestPki.commandExists("openssl"), "openssl is not installed: the s_server tests are skipped"
                + " (.ci/run installs the Debian package openssl)");
        pki = new TestPki(dir, "openssl-ca", "EC");
        server = pki.issue("server", "EC", "localhost", "dns:localhost,ip:127.0.0.1", false);
        client = pki.issue("client", "RSA", "gateway-client", null, false);
    }

    /** A running {@code openssl s_server -rev}: answers each line reversed; one connection unless {@code -naccept N}. */
    static final class SServer implements AutoCloseable {
        final Process process;
        final int port;
        final List<String> output = new CopyOnWriteArrayList<>();

        SServer(String... options) throws Exception {
            List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                    server.certificatePem().toString(), "-key", server.keyPem().toString(), "-rev", "-naccept", "1"));
            command.addAll(List.of(options));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<Integer> accepting = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        output.add(line);
                        if (line.startsWith("ACCEPT ")) {
                            accepting.complete(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()));
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                accepting.completeExceptionally(new IllegalStateException("s_server ended: " + output));
            }, "s_server-output");
            reader.setDaemon(true);
            reader.start();
            port = accepting.get(20, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private SslSocketImpl socket() {
        SslSocketImpl socket = fixture.sslSocket();
        socket.setCaCertificates(List.of(pki.caPem().toString()));
        return socket;
    }

    private static void assertReversedEcho(SslSocketImpl socket, SocketProbe probe) {
        socket.write("hello openssl\n");
        probe.await(() -> socket.peekAll().length > 0 && new String(socket.peekAll(), StandardCharsets.UTF_8)
                .contains("lssnepo olleh"), WAIT, "the reversed line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void handshakesAndTalksWithOpenssl(String version) throws Exception {
        SServer openssl = fixture.closeAfterTest(new SServer(version));
        SslSocketImpl socket = socket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", openssl.port);
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        assertEquals(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2", socket.getSessionProtocol());
        assertReversedEcho(socket, probe);
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
    }

    @Test
    void mutualTlsAndAlpnWithOpenssl() throws Exception {
        SServer openssl = fixture.closeAfterTest(new SServer("-Verify", "2", "-CAfile", pki.caPem().toString(),
                "-alpn", "mqtt"));
        SslSocketImpl socket = socket();
        socket.setLocalCertificate(client.certificatePem().toString());
        socket.setPrivateKey(client.keyPem().toString());
        socket.setAlpnProtocols(List.of("h2", "mqtt"));
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", openssl.port);
        probe.await(socket::isEncrypted, WAIT, "encrypted");
        assertEquals("mqtt", socket.getNegotiatedAlpnProtocol());
        assertReversedEcho(socket, probe);
        probe.await(() -> openssl.output.stream().anyMatch(line -> line.contains("gateway-client")), WAIT,
                "s_server to print the client certificate it saw"); // its output comes on its own time
    }

    /** In TLS 1.3 the client's handshake ends before the server judges its certificate: the alert comes after it. */
    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void opensslRefusesAClientWithoutCertificate(String version) throws Exception {
        SServer openssl = fixture.closeAfterTest(new SServer("-Verify", "2", "-CAfile", pki.caPem().toString(),
                version));
        SslSocketImpl socket = socket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("localhost", openssl.port);
        probe.awaitError(SocketError.SSL_HANDSHAKE_FAILED_ERROR, WAIT);
        assertTrue(socket.getErrorString().contains("the peer sent the TLS alert"), socket.getErrorString());
        probe.awaitDisconnected(WAIT);
    }

    /**
     * Reconnecting to the same s_server resumes the session: TLS 1.3 with the PSK of the
     * NewSessionTicket OpenSSL sends after the handshake (the reversed line comes after it, so the
     * socket has read the ticket), TLS 1.2 with its session ticket. The server's evidence: with
     * {@code -state} s_server prints each handshake step, and only a full handshake has the step
     * "write certificate" (a resumed one proves the server's identity by the PSK/master secret).
     * The control: a new socket (a context of its own) makes a third connection, a full handshake.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-tls1_3", "-tls1_2"})
    void aSecondConnectResumesTheOpensslSession(String version) throws Exception {
        SServer openssl = fixture.closeAfterTest(new SServer(version, "-state", "-naccept", "3"));
        SslSocketImpl socket = socket();
        for (int i = 1; i <= 3; i++) {
            SslSocketImpl connecting = i < 3 ? socket : socket();
            SocketProbe probe = probe(connecting);
            connecting.connectToHost("localhost", openssl.port);
            probe.await(connecting::isEncrypted, WAIT, "encrypted " + i);
            assertReversedEcho(connecting, probe);
            connecting.disconnectFromHost();
            probe.await(() -> connecting.getState() == ipsocket.api.SocketState.DISCONNECTED, WAIT, "disconnected " + i);
            int connections = i;
            probe.await(() -> count(openssl, "CONNECTION CLOSED") == connections, WAIT, "s_server to close "
                    + connections + ": " + openssl.output);
            assertEquals(i == 3 ? 2 : 1, count(openssl, "write certificate"),
                    () -> "full handshakes after connection " + connections + " (the second resumes): "
                            + String.join("\n", openssl.output));
        }
    }

    private static long count(SServer openssl, String lineEnd) {
        return openssl.output.stream().filter(line -> line.endsWith(lineEnd)).count();
    }
}
