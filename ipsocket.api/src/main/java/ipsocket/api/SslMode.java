package ipsocket.api;

/**
 * Whether an {@link SslSocket} encrypts, and as which side, with the values and names of Qt's
 * {@code QSslSocket::SslMode} (InCore's SslSocket).
 */
public enum SslMode {
    /** Not encrypted: a plain TCP stream (before {@link SslSocket#startClientEncryption()}, or after a disconnect). */
    UNENCRYPTED_MODE(0, "UnencryptedMode"),
    /** Encrypting as the TLS client. */
    SSL_CLIENT_MODE(1, "SslClientMode"),
    /** Encrypting as the TLS server (accepted connections; not used by client sockets). */
    SSL_SERVER_MODE(2, "SslServerMode");

    private final int value;
    private final String seedName;

    SslMode(int value, String seedName) {
        this.value = value;
        this.seedName = seedName;
    }

    /**
     * Returns the numeric value of this mode as defined by InCore.
     *
     * @return the value, 0 to 2
     */
    public int value() {
        return value;
    }

    /**
     * Returns the InCore name of this mode, for example {@code "SslClientMode"}.
     *
     * @return the name as spelled in the InCore documentation
     */
    public String seedName() {
        return seedName;
    }

    /**
     * Returns the mode with the given InCore value.
     *
     * @param value an InCore mode value
     * @return the mode with that value
     * @throws IllegalArgumentException if no mode has that value
     */
    public static SslMode fromValue(int value) {
        return SeedEnums.fromValue(values(), SslMode::value, value, "SslMode", "0, 1 or 2");
    }

    /**
     * Returns the mode with the given InCore name.
     *
     * @param seedName an InCore mode name such as {@code "SslClientMode"}, case-sensitive
     * @return the mode with that name
     * @throws IllegalArgumentException if no mode has that name
     */
    public static SslMode fromSeedName(String seedName) {
        return SeedEnums.fromSeedName(values(), SslMode::seedName, seedName, "SslMode");
    }

    /**
     * Parses a mode as written in configuration: the InCore name, the Java constant name or
     * the number, surrounding whitespace ignored.
     *
     * @param text for example {@code "SslClientMode"}, {@code "SSL_CLIENT_MODE"} or {@code "2"}
     * @return the mode named by the text
     * @throws IllegalArgumentException if the text names no mode, or is {@code null}
     */
    public static SslMode parse(String text) {
        return SeedEnums.parse(values(), SslMode::seedName, SslMode::value, text, "SslMode", "0, 1 or 2");
    }
}
