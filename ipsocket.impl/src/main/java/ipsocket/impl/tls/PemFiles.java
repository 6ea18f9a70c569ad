package ipsocket.impl.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import ipsocket.impl.tcp.StreamLayer;

/**
 * Reads certificates and private keys from PEM files: X.509 certificates and PKCS#8 private
 * keys (RSA, EC, EdDSA), also encrypted with a password (PBES2, as {@code openssl pkcs8 -topk8}
 * writes them), with the JDK alone; the traditional PKCS#1/SEC1/DSA key forms (also with
 * {@code Proc-Type: 4,ENCRYPTED}) and PKCS#8 keys encrypted with a scheme the JDK lacks with
 * BouncyCastle ({@link BcPemKeys}), when its bundles are there; without them such a key is
 * refused, naming the file and the bundles to add.
 *
 * <p>Every failure names the configuration key and the file, never the password.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    /** The algorithms a PKCS#8 key may have, tried in turn. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");

    private PemFiles() {
    }

    /**
     * Reads the certificates of a PEM file, in file order.
     *
     * @param socket the socket, for the text
     * @param key the configuration key naming the file
     * @param file the path
     * @return the certificates, at least one
     * @throws StreamLayer.SetupException if the file cannot be read or holds no certificate
     */
    static List<X509Certificate> certificates(SslSocketImpl socket, String key, String file)
            throws StreamLayer.SetupException {
        byte[] bytes = read(socket, key, file);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Certificate certificate : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw TlsSetup.invalid(socket, key + " '" + file + "' is no PEM certificate file: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw TlsSetup.invalid(socket, key + " '" + file + "' holds no PEM certificate");
        }
        return certificates;
    }

    /**
     * Reads the private key of a PEM file.
     *
     * @param socket the socket, for the text
     * @param file the path
     * @param password the password of an encrypted key, empty for none
     * @return the key
     * @throws StreamLayer.SetupException if the file cannot be read, holds no usable key, or the password is wrong
     */
    static PrivateKey privateKey(SslSocketImpl socket, String file, char[] password) throws StreamLayer.SetupException {
        String text = new String(read(socket, "privateKey", file), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(socket, file, der(socket, file, block.group(2)));
                case "ENCRYPTED PRIVATE KEY":
                    byte[] der = der(socket, file, block.group(2));
                    byte[] decrypted = decrypt(socket, file, der, password);
                    return decrypted != null ? pkcs8(socket, file, decrypted)
                            : withBouncyCastle(socket, file, block.group(), password, "a PKCS#8 key encrypted with "
                                    + "a scheme the JDK lacks");
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                case "DSA PRIVATE KEY":
                    return withBouncyCastle(socket, file, block.group(), password, "a traditional '" + type + "'");
                default:
                    break; // a certificate next to the key: look further
            }
        }
        throw TlsSetup.invalid(socket, "privateKey '" + file + "' holds no PEM private key (BEGIN PRIVATE KEY,"
                + " BEGIN ENCRYPTED PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static byte[] der(SslSocketImpl socket, String file, String base64) throws StreamLayer.SetupException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw TlsSetup.invalid(socket, "privateKey '" + file + "' has a damaged PEM block: " + e.getMessage());
        }
    }

    /** A key only BouncyCastle reads: read with it, or refused naming the bundles when they are absent. */
    private static PrivateKey withBouncyCastle(SslSocketImpl socket, String file, String block, char[] password,
            String what) throws StreamLayer.SetupException {
        if (!BcPemKeys.Availability.PRESENT) {
            throw TlsSetup.invalid(socket, "privateKey '" + file + "' is " + what + ", which needs "
                    + BcPemKeys.BUNDLES + " in the framework; or convert it to PKCS#8 with 'openssl pkcs8 -topk8"
                    + " -in KEY -out KEY8' (add -nocrypt for no password)");
        }
        try {
            return pkcs8(socket, file, BcPemKeys.pkcs8(block, password));
        } catch (BcPemKeys.Unusable e) {
            throw TlsSetup.invalid(socket, "privateKey '" + file + "' " + e.getMessage());
        }
    }

    /** Decrypts with the JDK; {@code null} when the JDK lacks the scheme (BouncyCastle may have it). */
    private static byte[] decrypt(SslSocketImpl socket, String file, byte[] der, char[] password)
            throws StreamLayer.SetupException {
        if (password.length == 0) {
            throw TlsSetup.invalid(socket, "privateKey '" + file + "' is encrypted: set .privateKeyPassword");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // PBES2 names its real algorithm (such as PBEWithHmacSHA256AndAES_256) in its parameters
            String algorithm = info.getAlgParameters() == null ? info.getAlgName()
                    : info.getAlgParameters().toString();
            SecretKeyFactory keys = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, keys.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (java.security.NoSuchAlgorithmException e) {
            return null;
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw TlsSetup.invalid(socket, "privateKey '" + file + "' cannot be decrypted: wrong .privateKeyPassword");
        } catch (GeneralSecurityException | IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (reason.contains("pad") || reason.contains("Pad")) {
                throw TlsSetup.invalid(socket, "privateKey '" + file + "' cannot be decrypted: wrong"
                        + " .privateKeyPassword");
            }
            throw TlsSetup.invalid(socket, "privateKey '" + file + "' cannot be decrypted: " + reason);
        }
    }

    private static PrivateKey pkcs8(SslSocketImpl socket, String file, byte[] der) throws StreamLayer.SetupException {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm: try the next
            }
        }
        throw TlsSetup.invalid(socket, "privateKey '" + file + "' is no PKCS#8 key of " + String.join(", ", KEY_ALGORITHMS));
    }

    private static byte[] read(SslSocketImpl socket, String key, String file) throws StreamLayer.SetupException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw TlsSetup.invalid(socket, key + " '" + file + "' cannot be read: " + reason(e));
        }
    }

    /**
     * Says why a file could not be read, in words.
     *
     * @param failure the failure
     * @return the reason
     */
    static String reason(Exception failure) {
        if (failure instanceof NoSuchFileException) {
            return "no such file";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied";
        }
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
