package ipsocket.webconsole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

import org.apache.felix.webconsole.WebConsoleSecurityProvider;

/**
 * Checks the Web Console's HTTP Basic login against the operator's user and password. Only a
 * salted SHA-256 of the password is kept, and compared in constant time.
 */
final class PasswordSecurityProvider implements WebConsoleSecurityProvider {
    private final String user;
    private final byte[] salt = new byte[16];
    private final byte[] digest;

    /**
     * Takes the user and password that may log in.
     *
     * @param user the user name
     * @param password the password
     */
    PasswordSecurityProvider(String user, String password) {
        this.user = user;
        new SecureRandom().nextBytes(salt);
        this.digest = digest(password);
    }

    @Override
    public Object authenticate(String username, String password) {
        if (username == null || password == null) {
            return null;
        }
        boolean userMatches = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8),
                username.getBytes(StandardCharsets.UTF_8));
        boolean passwordMatches = MessageDigest.isEqual(digest, digest(password));
        return userMatches && passwordMatches ? user : null;
    }

    @Override
    public boolean authorize(Object user, String role) {
        return this.user.equals(user); // one operator, who may do everything
    }

    private byte[] digest(String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
