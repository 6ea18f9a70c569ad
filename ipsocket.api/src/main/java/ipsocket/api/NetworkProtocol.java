package ipsocket.api;

/**
 * The network layer protocol a socket uses, with the values and names of the InCore
 * {@code IpSocket.Protocol} enumeration.
 *
 * <p>Configuration accepts either the InCore name ({@code "IPv6Protocol"}) or the number
 * ({@code 1}); see {@link #parse(String)}.
 */
public enum NetworkProtocol {
    /** A protocol other than IPv4 and IPv6; never valid for connecting. */
    UNKNOWN_PROTOCOL(-1, "UnknownProtocol"),
    /** IPv4 only: host names are resolved to IPv4 addresses only. */
    IPV4_PROTOCOL(0, "IPv4Protocol"),
    /** IPv6 only: host names are resolved to IPv6 addresses only. */
    IPV6_PROTOCOL(1, "IPv6Protocol"),
    /** Either IPv4 or IPv6 (the default): every resolved address is a candidate. */
    ANY_IP_PROTOCOL(2, "AnyIPProtocol");

    private final int value;
    private final String seedName;

    NetworkProtocol(int value, String seedName) {
        this.value = value;
        this.seedName = seedName;
    }

    /**
     * Returns the numeric value of this protocol as defined by InCore.
     *
     * @return the value, -1 to 2
     */
    public int value() {
        return value;
    }

    /**
     * Returns the InCore name of this protocol, for example {@code "IPv4Protocol"}.
     *
     * @return the name as spelled in the InCore documentation
     */
    public String seedName() {
        return seedName;
    }

    /**
     * Returns the protocol with the given InCore value.
     *
     * @param value an InCore protocol value
     * @return the protocol with that value
     * @throws IllegalArgumentException if no protocol has that value
     */
    public static NetworkProtocol fromValue(int value) {
        for (NetworkProtocol protocol : values()) {
            if (protocol.value == value) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("Unknown NetworkProtocol value " + value
                + ": expected -1, 0, 1 or 2");
    }

    /**
     * Returns the protocol with the given InCore name.
     *
     * @param seedName an InCore protocol name such as {@code "IPv6Protocol"}, case-sensitive
     * @return the protocol with that name
     * @throws IllegalArgumentException if no protocol has that name
     */
    public static NetworkProtocol fromSeedName(String seedName) {
        for (NetworkProtocol protocol : values()) {
            if (protocol.seedName.equals(seedName)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("Unknown NetworkProtocol name '" + seedName
                + "': expected UnknownProtocol, IPv4Protocol, IPv6Protocol or AnyIPProtocol");
    }

    /**
     * Parses a protocol as written in configuration: the InCore name, the Java constant name or
     * the number, surrounding whitespace ignored.
     *
     * @param text for example {@code "IPv6Protocol"}, {@code "IPV6_PROTOCOL"} or {@code "1"}
     * @return the protocol named by the text
     * @throws IllegalArgumentException if the text names no protocol, or is {@code null}
     */
    public static NetworkProtocol parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Missing NetworkProtocol: expected a name such as"
                    + " AnyIPProtocol or a number");
        }
        String trimmed = text.trim();
        for (NetworkProtocol protocol : values()) {
            if (protocol.seedName.equals(trimmed) || protocol.name().equals(trimmed)) {
                return protocol;
            }
        }
        try {
            return fromValue(Integer.parseInt(trimmed));
        } catch (NumberFormatException notANumber) {
            return fromSeedName(trimmed);
        }
    }
}
