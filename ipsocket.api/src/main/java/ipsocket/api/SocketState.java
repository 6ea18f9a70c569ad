package ipsocket.api;

/**
 * The states of a socket, with the values and names of the InCore {@code IpSocket.State}
 * enumeration (Qt's {@code QAbstractSocket::SocketState}; value 5 is unused as in Qt).
 *
 * <p>A TCP socket moves {@code DISCONNECTED -> HOST_LOOKUP -> CONNECTING -> CONNECTED ->
 * CLOSING -> DISCONNECTED}; a UDP socket bound to a local port is {@code BOUND}.
 */
public enum SocketState {
    /** The socket is not connected. */
    DISCONNECTED(0, "Disconnected"),
    /** The socket is looking up the host name. */
    HOST_LOOKUP(1, "HostLookup"),
    /** The socket has started to establish a connection. */
    CONNECTING(2, "Connecting"),
    /** A connection is established (for UDP: the virtual connection to one peer). */
    CONNECTED(3, "Connected"),
    /** The socket is bound to a local address and port. */
    BOUND(4, "Bound"),
    /** The socket is about to close; written data may still be waiting to be sent. */
    CLOSING(6, "Closing");

    private final int value;
    private final String seedName;

    SocketState(int value, String seedName) {
        this.value = value;
        this.seedName = seedName;
    }

    /**
     * Returns the numeric value of this state as defined by InCore.
     *
     * @return the value, 0 to 4 or 6
     */
    public int value() {
        return value;
    }

    /**
     * Returns the InCore name of this state, for example {@code "HostLookup"}.
     *
     * @return the name as spelled in the InCore documentation
     */
    public String seedName() {
        return seedName;
    }

    /**
     * Returns the state with the given InCore value.
     *
     * @param value an InCore state value
     * @return the state with that value
     * @throws IllegalArgumentException if no state has that value (5 is unused)
     */
    public static SocketState fromValue(int value) {
        for (SocketState state : values()) {
            if (state.value == value) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown SocketState value " + value
                + ": expected 0, 1, 2, 3, 4 or 6");
    }

    /**
     * Returns the state with the given InCore name.
     *
     * @param seedName an InCore state name such as {@code "Connected"}, case-sensitive
     * @return the state with that name
     * @throws IllegalArgumentException if no state has that name
     */
    public static SocketState fromSeedName(String seedName) {
        for (SocketState state : values()) {
            if (state.seedName.equals(seedName)) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown SocketState name '" + seedName + "'");
    }
}
