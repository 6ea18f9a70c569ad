package ipsocket.api;

/**
 * The errors a socket can report, with the values and names of the InCore {@code IpSocket.Error}
 * enumeration.
 *
 * <p>Values 10 to 32 are Qt's {@code QAbstractSocket::SocketError} plus 10. A socket holds its
 * most recent error in {@link IpSocket#getError()}; that property changes only when the value
 * differs, while {@link SocketListener#errorOccurred} is called on every occurrence.
 *
 * <p>The proxy and SSL values (22 to 28, 30, 31) belong to the InCore enumeration and are kept
 * so that values round-trip; the plain TCP and UDP sockets of this release never report them.
 */
public enum SocketError {
    /** No error occurred or was detected. */
    NO_ERROR(0, "NoError"),
    /** No hostname, or an empty one, was specified. */
    EMPTY_HOST_NAME_ERROR(1, "EmptyHostNameError"),
    /** The port number is out of the range 1 to 65535. */
    PORT_NUMBER_OUT_OF_RANGE_ERROR(2, "PortNumberOutOfRangeError"),
    /** The datagram is invalid (for example it has no destination) and was not written. */
    DATAGRAM_WRITE_ERROR(3, "DatagramWriteError"),
    /** The peer refused the connection (or, for UDP, answered with ICMP port unreachable). */
    CONNECTION_REFUSED_ERROR(10, "ConnectionRefusedError"),
    /** The remote host closed or reset the connection; the socket closes after reporting it. */
    REMOTE_HOST_CLOSED_ERROR(11, "RemoteHostClosedError"),
    /** The host name could not be resolved to an address. */
    HOST_NOT_FOUND_ERROR(12, "HostNotFoundError"),
    /** The operation failed because the process lacks the required privileges. */
    SOCKET_ACCESS_ERROR(13, "SocketAccessError"),
    /** The local system ran out of resources, for example file descriptors. */
    SOCKET_RESOURCE_ERROR(14, "SocketResourceError"),
    /** The operation timed out, for example the connect timeout elapsed. */
    SOCKET_TIMEOUT_ERROR(15, "SocketTimeoutError"),
    /** The datagram is larger than the protocol or the operating system allows. */
    DATAGRAM_TOO_LARGE_ERROR(16, "DatagramTooLargeError"),
    /** An error occurred with the network, for example the network is unreachable. */
    NETWORK_ERROR(17, "NetworkError"),
    /** The address to bind to is already in use and exclusive. */
    ADDRESS_IN_USE_ERROR(18, "AddressInUseError"),
    /** The address to bind to does not belong to this host. */
    SOCKET_ADDRESS_NOT_AVAILABLE_ERROR(19, "SocketAddressNotAvailableError"),
    /** The operating system does not support the operation, for example IPv6 is disabled. */
    UNSUPPORTED_SOCKET_OPERATION_ERROR(20, "UnsupportedSocketOperationError"),
    /** The last operation has not finished yet and continues in the background. */
    UNFINISHED_SOCKET_OPERATION_ERROR(21, "UnfinishedSocketOperationError"),
    /** The proxy requires authentication (kept for InCore compatibility). */
    PROXY_AUTHENTICATION_REQUIRED_ERROR(22, "ProxyAuthenticationRequiredError"),
    /** The SSL/TLS handshake failed (kept for InCore compatibility). */
    SSL_HANDSHAKE_FAILED_ERROR(23, "SslHandshakeFailedError"),
    /** The connection to the proxy was refused (kept for InCore compatibility). */
    PROXY_CONNECTION_REFUSED_ERROR(24, "ProxyConnectionRefusedError"),
    /** The connection to the proxy closed unexpectedly (kept for InCore compatibility). */
    PROXY_CONNECTION_CLOSED_ERROR(25, "ProxyConnectionClosedError"),
    /** The connection to the proxy timed out (kept for InCore compatibility). */
    PROXY_CONNECTION_TIMEOUT_ERROR(26, "ProxyConnectionTimeoutError"),
    /** The proxy was not found (kept for InCore compatibility). */
    PROXY_NOT_FOUND_ERROR(27, "ProxyNotFoundError"),
    /** The proxy's answer was not understood (kept for InCore compatibility). */
    PROXY_PROTOCOL_ERROR(28, "ProxyProtocolError"),
    /** An operation was attempted in a state that does not permit it. */
    OPERATION_ERROR(29, "OperationError"),
    /** The SSL library reported an internal error (kept for InCore compatibility). */
    SSL_INTERNAL_ERROR(30, "SslInternalError"),
    /** Invalid SSL data such as a certificate was given (kept for InCore compatibility). */
    SSL_INVALID_USER_DATA_ERROR(31, "SslInvalidUserDataError"),
    /** A temporary error occurred, for example an operation would block. */
    TEMPORARY_ERROR(32, "TemporaryError");

    private final int value;
    private final String seedName;

    SocketError(int value, String seedName) {
        this.value = value;
        this.seedName = seedName;
    }

    /**
     * Returns the numeric value of this error as defined by InCore.
     *
     * @return the value, 0 for {@link #NO_ERROR} and 1 to 32 otherwise
     */
    public int value() {
        return value;
    }

    /**
     * Returns the InCore name of this error, for example {@code "ConnectionRefusedError"}.
     *
     * @return the name as spelled in the InCore documentation
     */
    public String seedName() {
        return seedName;
    }

    /**
     * Returns the error with the given InCore value.
     *
     * @param value an InCore error value
     * @return the error with that value
     * @throws IllegalArgumentException if no error has that value (the values 4 to 9 are unused)
     */
    public static SocketError fromValue(int value) {
        for (SocketError error : values()) {
            if (error.value == value) {
                return error;
            }
        }
        throw new IllegalArgumentException("Unknown SocketError value " + value
                + ": expected 0 to 3 or 10 to 32");
    }

    /**
     * Returns the error with the given InCore name.
     *
     * @param seedName an InCore error name such as {@code "HostNotFoundError"}, case-sensitive
     * @return the error with that name
     * @throws IllegalArgumentException if no error has that name
     */
    public static SocketError fromSeedName(String seedName) {
        for (SocketError error : values()) {
            if (error.seedName.equals(seedName)) {
                return error;
            }
        }
        throw new IllegalArgumentException("Unknown SocketError name '" + seedName + "'");
    }
}
