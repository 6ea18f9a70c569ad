package ipsocket.webconsole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A random token that every form of the page carries and every action must return: another
 * web site the operator visits cannot read the page, so it cannot make the browser post an
 * action (cross-site request forgery), even though the browser sends the login along.
 */
final class FormToken {
    private final String value;

    FormToken() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        value = HexFormat.of().formatHex(random);
    }

    /** @return the token to put in the forms */
    String value() {
        return value;
    }

    /**
     * Whether a request returned the token.
     *
     * @param candidate the request's token parameter, or {@code null}
     * @return whether it is the token (compared in constant time)
     */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.US_ASCII),
                candidate.getBytes(StandardCharsets.UTF_8));
    }
}
