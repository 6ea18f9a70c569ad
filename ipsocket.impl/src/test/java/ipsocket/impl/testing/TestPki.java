package ipsocket.impl.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * Certificates for TLS tests, made by the test with the JDK's {@code keytool} in a temporary
 * directory: a CA and entities it signs (RSA or EC, chosen names, expired if asked), as PKCS#12
 * key stores and as PEM files (certificate chain, PKCS#8 key). Nothing is
 * committed: every run makes fresh keys. An encrypted PEM key comes from {@code openssl} when installed.
 */
public final class TestPki {
    /** The password of every key store made here (test material only). */
    public static final String STORE_PASSWORD = "test-store-pass";

    private final Path dir;
    private final String caAlias;

    /** One entity: its key store, its chain and key as PEM. */
    public record Entity(Path keyStore, Path certificatePem, Path keyPem, X509Certificate certificate, PrivateKey key,
            List<X509Certificate> chain) {
    }

    /**
     * Makes a CA in a directory.
     *
     * @param dir an empty temporary directory
     * @param name the CA's name, used for files and its CN
     * @param keyAlgorithm RSA or EC
     * @throws IOException if keytool fails
     */
    public TestPki(Path dir, String name, String keyAlgorithm) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.caAlias = name;
        keytool("-genkeypair", "-alias", name, "-keyalg", keyAlgorithm, "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "3", "-keystore", store(name).toString());
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store(name).toString(), "-file",
                caPem().toString());
    }

    /**
     * Returns the CA certificate's PEM file.
     *
     * @return the path
     */
    public Path caPem() {
        return dir.resolve(caAlias + "-ca.pem");
    }

    /**
     * Makes an entity signed by the CA.
     *
     * @param alias a file name and alias
     * @param keyAlgorithm RSA or EC
     * @param commonName the subject's CN
     * @param san the subject alternative names, such as {@code dns:localhost,ip:127.0.0.1}, or {@code null}
     * @param expired whether the certificate expired already
     * @return the entity
     * @throws Exception if keytool or the export fails
     */
    public Entity issue(String alias, String keyAlgorithm, String commonName, String san, boolean expired)
            throws Exception {
        Path keyStore = store(alias);
        keytool("-genkeypair", "-alias", alias, "-keyalg", keyAlgorithm, "-dname", "CN=" + commonName,
                "-validity", "3", "-keystore", keyStore.toString());
        Path request = dir.resolve(alias + ".csr");
        Path signed = dir.resolve(alias + ".pem");
        keytool("-certreq", "-alias", alias, "-keystore", keyStore.toString(), "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", caAlias, "-keystore",
                store(caAlias).toString(), "-infile", request.toString(), "-outfile", signed.toString()));
        if (san != null) {
            sign.addAll(List.of("-ext", "san=" + san));
        }
        sign.addAll(expired ? List.of("-startdate", "-10d", "-validity", "2") : List.of("-validity", "3"));
        keytool(sign.toArray(new String[0]));
        keytool("-importcert", "-noprompt", "-alias", caAlias, "-file", caPem().toString(), "-keystore",
                keyStore.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", signed.toString(), "-keystore",
                keyStore.toString());

        KeyStore loaded = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            loaded.load(in, STORE_PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) loaded.getKey(alias, STORE_PASSWORD.toCharArray());
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : loaded.getCertificateChain(alias)) {
            chain.add((X509Certificate) certificate);
        }
        Path chainPem = dir.resolve(alias + "-chain.pem");
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : chain) {
            pem.append(pem("CERTIFICATE", certificate.getEncoded()));
        }
        Files.writeString(chainPem, pem);
        Path keyPem = dir.resolve(alias + "-key.pem");
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
        return new Entity(keyStore, chainPem, keyPem, chain.get(0), key, List.copyOf(chain));
    }

    private Path store(String alias) {
        return dir.resolve(alias + ".p12");
    }

    /**
     * Writes a key encrypted with a password (PBES2, AES-256-CBC, HMAC-SHA256) by
     * {@code openssl pkcs8 -topk8}, the form most operators have.
     *
     * @param entity the entity
     * @param password the password
     * @return the encrypted PEM file, or {@code null} when no {@code openssl} is installed
     * @throws IOException if openssl fails
     */
    public Path encryptedKeyWithOpenssl(Entity entity, String password) throws IOException {
        if (!commandExists("openssl")) {
            return null;
        }
        Path encrypted = dir.resolve(entity.keyPem().getFileName() + ".enc.pem");
        run(List.of("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", entity.keyPem().toString(),
                "-out", encrypted.toString(), "-passout", "pass:" + password));
        return encrypted;
    }

    /** The PEM key forms older tools and devices write, made by {@code openssl} from an entity's PKCS#8 key. */
    public enum KeyForm {
        /** {@code BEGIN RSA PRIVATE KEY} (PKCS#1) or {@code BEGIN EC PRIVATE KEY} (SEC1). */
        TRADITIONAL,
        /** The traditional form encrypted with {@code Proc-Type: 4,ENCRYPTED} and {@code DEK-Info: AES-256-CBC}. */
        TRADITIONAL_AES256,
        /** PKCS#8 encrypted with the PKCS#12 scheme PBE-SHA1-3DES ({@code openssl pkcs8 -topk8 -v1}). */
        PKCS8_PBE_SHA1_3DES
    }

    /**
     * Writes an entity's key in an older PEM form with {@code openssl}.
     *
     * @param entity the entity
     * @param form the form
     * @param password the password of an encrypted form (ignored for {@link KeyForm#TRADITIONAL})
     * @return the PEM file, or {@code null} when no {@code openssl} is installed
     * @throws IOException if openssl fails
     */
    public Path keyWithOpenssl(Entity entity, KeyForm form, String password) throws IOException {
        if (!commandExists("openssl")) {
            return null;
        }
        Path out = dir.resolve(entity.keyPem().getFileName() + "." + form.name().toLowerCase(java.util.Locale.ROOT)
                + ".pem");
        String in = entity.keyPem().toString();
        switch (form) {
            case TRADITIONAL:
                run(List.of("openssl", "pkey", "-traditional", "-in", in, "-out", out.toString()));
                break;
            case TRADITIONAL_AES256:
                run(List.of("openssl", "pkey", "-traditional", "-aes256", "-in", in, "-out", out.toString(),
                        "-passout", "pass:" + password));
                break;
            default:
                run(List.of("openssl", "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", in, "-out", out.toString(),
                        "-passout", "pass:" + password));
                break;
        }
        return out;
    }

    /**
     * Returns whether a command is on the PATH.
     *
     * @param command the command
     * @return {@code true} if found
     */
    public static boolean commandExists(String command) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, command))) {
                return true;
            }
        }
        return false;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass", STORE_PASSWORD));
        }
        run(command);
    }

    private void run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(output);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: "
                        + output.toString(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }
}
