package ipsocket.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS material of the tls-* modes, made once per run with the JDK's keytool in a temporary
 * directory (deleted at exit): a self-signed EC P-256 server certificate for localhost and
 * 127.0.0.1, which every client trusts. All modes use TLS 1.3 with TLS_AES_128_GCM_SHA256.
 */
public final class TlsMaterial {
    /** The protocol every TLS mode uses. */
    public static final String PROTOCOL = "TLSv1.3";
    /** The cipher suite every TLS mode uses. */
    public static final String CIPHER = "TLS_AES_128_GCM_SHA256";
    private static final String PASSWORD = "bench-only";
    private static TlsMaterial instance;

    private final Path certificatePem;
    private final SSLContext server;
    private final SSLContext client;
    private final X509Certificate certificate;
    private final javax.net.ssl.TrustManager[] trust;

    private TlsMaterial() throws Exception {
        Path dir = Files.createTempDirectory("ipsocket-bench-tls");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        Path store = dir.resolve("server.p12");
        certificatePem = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-validity", "2", "-ext", "san=dns:localhost,ip:127.0.0.1", "-keystore",
                store.toString(), "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", store.toString(), "-file",
                certificatePem.toString());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        certificate = (X509Certificate) keys.getCertificate("server");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        server = SSLContext.getInstance("TLSv1.3");
        server.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keys);
        trust = tmf.getTrustManagers();
        client = newClientContext();
    }

    /**
     * Returns the run's material, made on first use.
     *
     * @return the material
     * @throws Exception if keytool fails
     */
    public static synchronized TlsMaterial get() throws Exception {
        if (instance == null) {
            instance = new TlsMaterial();
        }
        return instance;
    }

    /** The server certificate as a PEM file, for ipsocket's caCertificates. */
    public Path certificatePem() {
        return certificatePem;
    }

    /** The server certificate, for Netty's trust manager. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The server's context. */
    public SSLContext serverContext() {
        return server;
    }

    /**
     * Makes a client context of its own, with an empty session cache: a connection made with it
     * shakes hands in full.
     *
     * @return a new context that trusts the server
     */
    public SSLContext newClientContext() throws java.security.GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, trust, null);
        return context;
    }

    /** A client context that trusts the server, shared: its session cache lets sessions resume. */
    public SSLContext clientContext() {
        return client;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: the OS cleans it up eventually
        }
    }
}
