package ipsocket.webconsole;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Web Console password the operator set: the file named by the framework property
 * {@value #FILE_PROPERTY} (the gateway's {@code --web-password-file}), else the environment
 * variable {@value #ENVIRONMENT}. There is no default: without either, nobody can log in.
 * The {@code ./gateway} script refuses {@code --web} without a password by the same rules.
 */
final class OperatorPassword {
    /** The framework property naming the password file. */
    static final String FILE_PROPERTY = "ipsocket.web.passwordFile";
    /** The environment variable holding the password, when there is no file. */
    static final String ENVIRONMENT = "IPSOCKET_WEB_PASSWORD";
    /** The shortest password taken: rules out the console's old default, admin. */
    static final int MINIMUM_LENGTH = 8;

    private OperatorPassword() {
    }

    /**
     * Reads the password.
     *
     * @param properties the framework properties ({@code BundleContext::getProperty})
     * @param environment the environment ({@code System::getenv})
     * @return the password, or empty with no password set
     * @throws IOException if the password file cannot be read
     * @throws IllegalArgumentException if the password set is shorter than {@value #MINIMUM_LENGTH}
     */
    static Optional<String> read(Function<String, String> properties, Function<String, String> environment)
            throws IOException {
        String file = properties.apply(FILE_PROPERTY);
        String password = file != null && !file.isEmpty()
                ? Files.readString(Path.of(file), StandardCharsets.UTF_8)
                : environment.apply(ENVIRONMENT);
        if (password == null) {
            return Optional.empty();
        }
        password = password.replaceAll("[\r\n]+$", ""); // a file's final line break is no part of it
        if (password.length() < MINIMUM_LENGTH) {
            throw new IllegalArgumentException("the Web Console password must have at least " + MINIMUM_LENGTH
                    + " characters");
        }
        return Optional.of(password);
    }
}
