package ipsocket.api;

/**
 * How an {@link SslSocket} verifies its peer's certificate, with the values and names of Qt's
 * {@code QSslSocket::PeerVerifyMode} (InCore's SslSocket).
 *
 * <p>Configuration accepts the name ({@code "VerifyPeer"}), the Java constant name or the
 * number ({@code 2}); see {@link #parse(String)}.
 */
public enum PeerVerifyMode {
    /** The peer's certificate is not asked for and not verified: encryption without authentication. */
    VERIFY_NONE(0, "VerifyNone"),
    /** The peer's certificate is asked for and reported but not verified. */
    QUERY_PEER(1, "QueryPeer"),
    /** The peer's certificate chain must be trusted and match {@code peerVerifyName}, else the handshake fails. */
    VERIFY_PEER(2, "VerifyPeer"),
    /** The default: {@link #VERIFY_PEER} for a client socket, {@link #QUERY_PEER} for a server one. */
    AUTO_VERIFY_PEER(3, "AutoVerifyPeer");

    private final int value;
    private final String seedName;

    PeerVerifyMode(int value, String seedName) {
        this.value = value;
        this.seedName = seedName;
    }

    /**
     * Returns the numeric value of this mode as defined by InCore.
     *
     * @return the value, 0 to 3
     */
    public int value() {
        return value;
    }

    /**
     * Returns the InCore name of this mode, for example {@code "VerifyPeer"}.
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
    public static PeerVerifyMode fromValue(int value) {
        return SeedEnums.fromValue(values(), PeerVerifyMode::value, value, "PeerVerifyMode", "0, 1, 2 or 3");
    }

    /**
     * Returns the mode with the given InCore name.
     *
     * @param seedName an InCore mode name such as {@code "VerifyPeer"}, case-sensitive
     * @return the mode with that name
     * @throws IllegalArgumentException if no mode has that name
     */
    public static PeerVerifyMode fromSeedName(String seedName) {
        return SeedEnums.fromSeedName(values(), PeerVerifyMode::seedName, seedName, "PeerVerifyMode");
    }

    /**
     * Parses a mode as written in configuration: the InCore name, the Java constant name or
     * the number, surrounding whitespace ignored.
     *
     * @param text for example {@code "VerifyPeer"}, {@code "VERIFY_PEER"} or {@code "3"}
     * @return the mode named by the text
     * @throws IllegalArgumentException if the text names no mode, or is {@code null}
     */
    public static PeerVerifyMode parse(String text) {
        return SeedEnums.parse(values(), PeerVerifyMode::seedName, PeerVerifyMode::value, text, "PeerVerifyMode",
                "0, 1, 2 or 3");
    }
}
