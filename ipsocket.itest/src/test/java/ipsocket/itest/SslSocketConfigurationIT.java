package ipsocket.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SslSocket;

/**
 * A factory configuration under {@code ipsocket.SslSocket} becomes a TLS socket service that
 * verifies a JDK TLS server on loopback against a CA file, posts ENCRYPTED and DATA_RECEIVED
 * events, writes through an inbound {@code ipsocket/SslSocket/WRITE} event, and never shows its
 * password. The certificate is made by the test with keytool (self-signed, trusted as its own CA).
 * A client identity in a traditional, encrypted PEM key ({@code BEGIN RSA PRIVATE KEY} with
 * {@code DEK-Info}, made by openssl) proves that ipsocket.impl's optional BouncyCastle imports are
 * wired in this framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SslSocketConfigurationIT extends IpSocketTestSupport {
    private static final String STORE_PASSWORD = "it-store-secret-4711";
    private Path dir;
    private SSLServerSocket server;
    private Thread serverThread;

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return org.ops4j.pax.exam.OptionUtils.combine(baseOptions(), bouncyCastleBundles());
    }

    @Before
    public void startTlsServer() throws Exception {
        dir = Files.createTempDirectory("ipsocket-tls-it");
        Path store = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-keystore", store.toString(), "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-file",
                dir.resolve("server.pem").toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        serverThread = new Thread(() -> {
            try (Socket connection = server.accept()) {
                connection.getOutputStream().write("welcome\n".getBytes(StandardCharsets.UTF_8));
                connection.getInputStream().transferTo(connection.getOutputStream()); // echo until close_notify
            } catch (IOException e) {
                // the test ends the server
            }
        }, "tls-it-server");
        serverThread.setDaemon(true);
        serverThread.start();
    }

    @After
    public void stopTlsServer() throws Exception {
        server.close();
        serverThread.join(5_000);
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    /** Configuration in, verified TLS connection, ENCRYPTED and DATA events out, WRITE in, no secret anywhere. */
    @Test
    public void configuredTlsSocketEncryptsAndPublishes() throws Exception {
        try (EventRecorder events = recordEvents(SocketEvents.TOPIC_PREFIX + "SslSocket/*")) {
            org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.SSL_SOCKET,
                    Map.of("objectId", "broker1", "hostname", "localhost", "port", String.valueOf(server.getLocalPort()),
                            "caCertificates", dir.resolve("server.pem").toString(), "publishData", "true",
                            ".keyStorePassword", STORE_PASSWORD));
            SslSocket socket = awaitService(SslSocket.class, "(objectId=broker1)", TIMEOUT);
            Event encrypted = events.awaitEvent(e -> e.getTopic().equals(SocketEvents.SSL_ENCRYPTED), TIMEOUT);
            assertEquals("broker1", encrypted.getProperty(SocketEvents.OBJECT_ID));
            assertTrue(String.valueOf(encrypted.getProperty(SocketEvents.SSL_PROTOCOL)).startsWith("TLSv1."));
            assertEquals("CN=localhost", encrypted.getProperty(SocketEvents.SSL_PEER_SUBJECT));
            assertEquals(64, String.valueOf(encrypted.getProperty(SocketEvents.SSL_PEER_SHA256)).length());
            assertTrue(socket.isEncrypted());

            Event data = events.awaitEvent(e -> e.getTopic().equals(SocketEvents.SSL_DATA_RECEIVED), TIMEOUT);
            assertArrayEquals("welcome\n".getBytes(StandardCharsets.UTF_8), (byte[]) data.getProperty(SocketEvents.DATA));

            // an inbound WRITE goes out encrypted and comes back through the echo
            eventAdmin().postEvent(new Event(SocketEvents.SSL_WRITE, Map.of(SocketEvents.OBJECT_ID, "broker1",
                    SocketEvents.DATA, "ping\n")));
            events.awaitEvent(e -> e.getTopic().equals(SocketEvents.SSL_DATA_RECEIVED)
                    && Arrays.equals("ping\n".getBytes(StandardCharsets.UTF_8), (byte[]) e.getProperty(SocketEvents.DATA)),
                    TIMEOUT);

            // the password is in no service property and no event
            for (String key : bundleContext.getServiceReference(SslSocket.class).getPropertyKeys()) {
                assertFalse(key, String.valueOf(bundleContext.getServiceReference(SslSocket.class).getProperty(key))
                        .contains(STORE_PASSWORD));
            }
            for (Event event : events.events()) {
                for (String key : event.getPropertyNames()) {
                    Object value = event.getProperty(key);
                    String text = value instanceof byte[] ? new String((byte[]) value, StandardCharsets.UTF_8)
                            : value instanceof String[] ? String.join(",", (String[]) value) : String.valueOf(value);
                    assertFalse(event.getTopic() + " " + key, text.contains(STORE_PASSWORD));
                }
            }
            assertFalse(socket.toJson().contains(STORE_PASSWORD));

            deleteConfiguration(configuration);
            events.awaitEvent(e -> e.getTopic().equals(SocketEvents.TOPIC_PREFIX + "SslSocket/"
                    + SocketEvents.DISCONNECTED), TIMEOUT);
        }
    }

    /**
     * Mutual TLS with a traditional PKCS#1 RSA key encrypted with AES-256-CBC (openssl genrsa
     * -traditional -aes256): read through the BouncyCastle bundles, the server sees the client.
     */
    @Test
    public void traditionalEncryptedPemKeyThroughBouncyCastle() throws Exception {
        org.junit.Assume.assumeTrue("openssl is not installed (.ci/run installs it): the traditional key test is"
                + " skipped", commandInstalled("openssl"));
        Path key = dir.resolve("client-key.pem");
        Path certificate = dir.resolve("client.pem");
        runCommand("openssl", "genrsa", "-traditional", "-aes256", "-passout", "pass:" + STORE_PASSWORD, "-out",
                key.toString(), "2048");
        runCommand("openssl", "req", "-new", "-x509", "-key", key.toString(), "-passin", "pass:" + STORE_PASSWORD,
                "-subj", "/CN=gateway-client", "-days", "2", "-out", certificate.toString());
        assertTrue(Files.readString(key).contains("BEGIN RSA PRIVATE KEY"));
        assertTrue(Files.readString(key).contains("DEK-Info: AES-256-CBC"));

        KeyStore clients = KeyStore.getInstance("PKCS12");
        clients.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            clients.setCertificateEntry("client", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(clients);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        java.util.concurrent.CompletableFuture<String> clientSeen = new java.util.concurrent.CompletableFuture<>();
        try (SSLServerSocket mutual = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress());
                EventRecorder events = recordEvents(SocketEvents.TOPIC_PREFIX + "SslSocket/*")) {
            mutual.setNeedClientAuth(true);
            Thread acceptor = new Thread(() -> {
                try (javax.net.ssl.SSLSocket connection = (javax.net.ssl.SSLSocket) mutual.accept()) {
                    connection.startHandshake();
                    clientSeen.complete(((java.security.cert.X509Certificate) connection.getSession()
                            .getPeerCertificates()[0]).getSubjectX500Principal().getName());
                    connection.getInputStream().transferTo(connection.getOutputStream());
                } catch (IOException | RuntimeException e) {
                    clientSeen.completeExceptionally(e);
                }
            }, "tls-it-mutual-server");
            acceptor.setDaemon(true);
            acceptor.start();
            org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.SSL_SOCKET,
                    Map.of("objectId", "legacy-key", "hostname", "localhost", "port",
                            String.valueOf(mutual.getLocalPort()), "caCertificates", dir.resolve("server.pem").toString(),
                            "localCertificate", certificate.toString(), "privateKey", key.toString(),
                            ".privateKeyPassword", STORE_PASSWORD));
            events.awaitEvent(e -> e.getTopic().equals(SocketEvents.SSL_ENCRYPTED)
                    && "legacy-key".equals(e.getProperty(SocketEvents.OBJECT_ID)), TIMEOUT);
            assertEquals("CN=gateway-client", clientSeen.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            deleteConfiguration(configuration);
            acceptor.join(TIMEOUT.toMillis());
        }
    }

    private org.osgi.service.event.EventAdmin eventAdmin() throws Exception {
        return awaitService(org.osgi.service.event.EventAdmin.class, null, TIMEOUT);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        runCommand(command.toArray(new String[0]));
    }
}
