package ipsocket.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway takes a TLS socket from a configuration file ({@code ipsocket.SslSocket-NAME.cfg})
 * with a PKCS#12 client key store and its password: it connects with mutual TLS to a loopback
 * server, the events file records ENCRYPTED, a periodic writer's lines arrive encrypted, and the
 * password is in neither the events file nor the log. Certificates are made by the test (keytool).
 * The same with a client identity in a traditional encrypted PEM key (openssl's
 * {@code BEGIN EC PRIVATE KEY} with {@code DEK-Info}), which the gateway reads through the
 * BouncyCastle bundles it ships.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayTlsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String PASSWORD = "gw-Secret-Pass-9731";

    @TempDir
    Path work;

    private Process gateway;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        GatewayProcesses.stop(gateway, closeables);
    }

    @Test
    void configuredTlsSocketConnectsWithMutualTlsAndKeepsItsPasswordSecret() throws Exception {
        Path client = work.resolve("client.p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-dname", "CN=gateway", "-validity", "2",
                "-keystore", client.toString(), "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "client", "-keystore", client.toString(), "-file",
                work.resolve("client.cer").toString());
        assertMutualTls(work.resolve("client.cer"), "keyStore = " + client + "\n.keyStorePassword = " + PASSWORD);
    }

    @Test
    void aTraditionalEncryptedPemKeyIsReadThroughBouncyCastle() throws Exception {
        Assumptions.assumeTrue(GatewayProcesses.commandInstalled("openssl"),
                "openssl is not installed (.ci/run installs it): the traditional PEM key test is skipped");
        Path key = work.resolve("client-key.pem");
        Path certificate = work.resolve("client.pem");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", work.resolve("plain.pem").toString());
        openssl("ec", "-in", work.resolve("plain.pem").toString(), "-aes256", "-passout", "pass:" + PASSWORD, "-out",
                key.toString());
        openssl("req", "-new", "-x509", "-key", key.toString(), "-passin", "pass:" + PASSWORD, "-subj", "/CN=gateway",
                "-days", "2", "-out", certificate.toString());
        assertTrue(read(key).contains("BEGIN EC PRIVATE KEY") && read(key).contains("DEK-Info"), read(key));
        assertMutualTls(certificate, "localCertificate = " + certificate + "\nprivateKey = " + key
                + "\n.privateKeyPassword = " + PASSWORD);
    }

    /** Starts a server that requires the client certificate, then the gateway with a socket of these identity keys. */
    private void assertMutualTls(Path clientCertificate, String identity) throws Exception {
        Path conf = Files.createDirectories(work.resolve("conf"));
        Path events = work.resolve("events.jsonl");
        Path log = work.resolve("gateway.log");
        Path server = work.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-keystore", server.toString(), "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", server.toString(), "-file",
                work.resolve("server.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", clientCertificate.toString(),
                "-keystore", server.toString());

        CompletableFuture<String> received = serveOnce(server);
        builderStart(conf, events, log);
        GatewayFiles.writeConfig(conf, "ipsocket.SslSocket-tls.cfg", "objectId = tls\nhostname = localhost\nport = "
                + port + "\ncaCertificates = " + work.resolve("server.pem") + "\n" + identity + "\n");
        GatewayFiles.writeConfig(conf, "ipsocket.PeriodicWriter-tls.cfg",
                "objectId = tls\nkind = SslSocket\ntext = over tls\\n\nintervalMillis = 100\n");
        GatewayProcesses.await(gateway, DEADLINE, log, () -> read(events).contains("ipsocket/SslSocket/ENCRYPTED"),
                "an ENCRYPTED event in the events file");
        assertTrue(received.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).equals("over tls"),
                "the server received the periodic writer's line");
        assertTrue(read(events).contains("CN=localhost"), "ENCRYPTED names the server certificate");
        assertFalse(read(events).contains(PASSWORD), "the password is not in the events file");
        assertFalse(read(log).contains(PASSWORD), "the password is not in the log");
    }

    private int port;

    private CompletableFuture<String> serveOnce(Path keyStore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys); // trusts the client's self-signed certificate imported above
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 10,
                InetAddress.getLoopbackAddress());
        listener.setNeedClientAuth(true);
        closeables.add(listener);
        port = listener.getLocalPort();
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (SSLSocket connection = (SSLSocket) listener.accept()) {
                line.complete(new BufferedReader(new InputStreamReader(connection.getInputStream(),
                        StandardCharsets.UTF_8)).readLine());
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
        }, "gateway-tls-it-server");
        thread.setDaemon(true);
        thread.start();
        return line;
    }

    private void builderStart(Path conf, Path events, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", System.getProperty("ipsocket.gateway.script"),
                "--no-shell", "--conf", conf.toString(), "--events", events.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx128m");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        gateway = builder.start();
    }

    private static String read(Path file) {
        return GatewayProcesses.read(file);
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(command);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        run(command);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(command.get(0) + " failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }
}
