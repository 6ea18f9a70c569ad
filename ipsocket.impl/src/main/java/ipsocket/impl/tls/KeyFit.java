package ipsocket.impl.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;

/**
 * Checks that a private key belongs to a certificate's public key by signing a fixed text and
 * verifying it: a mismatched pair would otherwise be found only by the server, as a bare
 * handshake failure with no word about which files do not belong together.
 */
final class KeyFit {
    /** A signature algorithm per key algorithm; keys of others (such as RSASSA-PSS) are not checked. */
    private static final Map<String, String> SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA",
            "DSA", "SHA256withDSA", "Ed25519", "Ed25519", "Ed448", "Ed448", "EdDSA", "EdDSA");
    private static final byte[] TEXT = "ipsocket key fit".getBytes(StandardCharsets.US_ASCII);

    private KeyFit() {
    }

    /**
     * Returns whether a private key signs what the public key verifies.
     *
     * @param key the private key
     * @param certified the certificate's public key
     * @return {@code false} only when the keys are known not to belong together
     */
    static boolean fits(PrivateKey key, PublicKey certified) {
        String algorithm = SIGNATURES.get(key.getAlgorithm());
        if (algorithm == null) {
            return true; // cannot tell here: the handshake will
        }
        if (!key.getAlgorithm().equals(certified.getAlgorithm())) {
            return false;
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(TEXT);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(TEXT);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // such as an EC key on another curve
        }
    }
}
