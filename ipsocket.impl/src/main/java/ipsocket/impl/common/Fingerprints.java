package ipsocket.impl.common;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/** SHA-256 fingerprints of certificates, in one spelling: lower-case hex without separators. */
public final class Fingerprints {
    private Fingerprints() {
    }

    /**
     * Normalizes a configured fingerprint: colons and spaces go, hex digits become lower case.
     *
     * @param text the fingerprint as written
     * @return 64 lower-case hex digits
     * @throws IllegalArgumentException if it is not a SHA-256 fingerprint in hex
     */
    public static String normalize(String text) {
        String hex = text.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (hex.length() != 64 || !hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new IllegalArgumentException("pinnedPeerSha256 '" + Texts.abbreviate(text)
                    + "' is no SHA-256 fingerprint: expected 64 hex digits (colons allowed)");
        }
        return hex;
    }

    /**
     * Returns a certificate's SHA-256 fingerprint.
     *
     * @param certificate the certificate
     * @return 64 lower-case hex digits
     */
    public static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint " + certificate.getSubjectX500Principal(), e);
        }
    }
}
