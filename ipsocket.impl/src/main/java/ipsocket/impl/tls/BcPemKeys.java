package ipsocket.impl.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.Provider;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The only class that uses BouncyCastle (bcprov, bcutil, bcpkix): reads the PEM private keys the
 * JDK cannot, the traditional PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), SEC1
 * ({@code BEGIN EC PRIVATE KEY}) and DSA forms, also encrypted with {@code Proc-Type: 4,ENCRYPTED}
 * and {@code DEK-Info}, and PKCS#8 keys encrypted with a PBES1/PKCS#12 scheme the JDK lacks.
 *
 * <p>ipsocket.impl imports {@code org.bouncycastle.*} with {@code resolution:=optional}: plain
 * TCP/UDP sockets and PKCS#8/PKCS#12 keys need no BouncyCastle. {@link PemFiles} asks
 * {@link Availability#PRESENT} before it touches this class, so without the bundles this class is
 * never loaded. The provider is an instance of this class's own, handed to each builder: nothing
 * is added to the JVM's {@code Security} providers (no global side effect in someone's framework).
 * BouncyCastle only parses and decrypts: the key comes back as PKCS#8 bytes, which the JDK's
 * {@code KeyFactory} turns into the key the JDK's TLS uses, as for every other key.
 */
final class BcPemKeys {
    /** Whether BouncyCastle's classes are wired to this bundle; checked without loading {@link BcPemKeys}. */
    static final class Availability {
        /** {@code true} when bcpkix (and with it bcprov and bcutil) can be loaded. */
        static final boolean PRESENT = present();

        private Availability() {
        }

        private static boolean present() {
            try {
                ClassLoader loader = Availability.class.getClassLoader();
                Class.forName("org.bouncycastle.openssl.PEMParser", false, loader);
                Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider", false, loader);
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false; // the optional import is not wired: traditional keys are refused, naming the bundles
            }
        }
    }

    /** The bundles a traditional key needs, as an operator adds them. */
    static final String BUNDLES = "the BouncyCastle bundles bcprov, bcutil and bcpkix"
            + " (org.bouncycastle:bcprov-jdk18on, bcutil-jdk18on, bcpkix-jdk18on)";

    /** Why a key could not be read; never holds the password. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean wrongPassword;

        Unusable(String reason, boolean wrongPassword) {
            super(reason, null, false, false);
            this.wrongPassword = wrongPassword;
        }
    }

    /** One provider for the bundle's life: made on first use, never registered with {@code Security}. */
    private static final class Holder {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }

    private BcPemKeys() {
    }

    /**
     * Reads one PEM private key block.
     *
     * @param block the block's text, from {@code -----BEGIN} to its {@code -----END ...-----}
     * @param password the password of an encrypted key, empty for none
     * @return the key as unencrypted PKCS#8 (DER)
     * @throws Unusable if the block is no key BouncyCastle reads, is encrypted without a password,
     *         or the password is wrong
     */
    static byte[] pkcs8(String block, char[] password) throws Unusable {
        Provider provider = Holder.PROVIDER;
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(block))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new Unusable("is no readable PEM key: " + reason(e), false);
        }
        try {
            if (parsed instanceof PEMKeyPair) {
                return ((PEMKeyPair) parsed).getPrivateKeyInfo().getEncoded();
            }
            if (parsed instanceof PrivateKeyInfo) {
                return ((PrivateKeyInfo) parsed).getEncoded();
            }
            if (parsed instanceof PEMEncryptedKeyPair) {
                requirePassword(password);
                PEMKeyPair pair;
                try {
                    pair = ((PEMEncryptedKeyPair) parsed).decryptKeyPair(
                            new JcePEMDecryptorProviderBuilder().setProvider(provider).build(password));
                } catch (IOException | RuntimeException e) {
                    throw wrongPassword(e);
                }
                return pair.getPrivateKeyInfo().getEncoded();
            }
            if (parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
                requirePassword(password);
                PrivateKeyInfo info;
                try {
                    info = ((PKCS8EncryptedPrivateKeyInfo) parsed).decryptPrivateKeyInfo(
                            new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(provider).build(password));
                } catch (PKCSException | RuntimeException e) {
                    throw wrongPassword(e);
                }
                return info.getEncoded();
            }
        } catch (IOException | OperatorCreationException | RuntimeException e) {
            throw new Unusable("cannot be read: " + reason(e), false);
        }
        throw new Unusable("holds no private key BouncyCastle reads ("
                + (parsed == null ? "nothing" : parsed.getClass().getSimpleName()) + ")", false);
    }

    private static void requirePassword(char[] password) throws Unusable {
        if (password.length == 0) {
            throw new Unusable("is encrypted: set .privateKeyPassword", false);
        }
    }

    /**
     * A failed decryption: almost always the password (bad padding); rarely a wrong password
     * decrypts to well-padded garbage, which then fails to parse, or the file is damaged.
     */
    private static Unusable wrongPassword(Exception e) {
        String reason = reason(e);
        boolean padding = reason.toLowerCase(java.util.Locale.ROOT).contains("pad");
        return new Unusable("cannot be decrypted: wrong .privateKeyPassword" + (padding ? ""
                : " or a damaged key (" + reason + ")"), true);
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause(); // BouncyCastle wraps the JCE's reason
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return e == cause || e.getMessage() == null ? text : e.getMessage() + ": " + text;
    }
}
