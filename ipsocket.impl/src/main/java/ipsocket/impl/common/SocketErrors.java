package ipsocket.impl.common;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Locale;

import ipsocket.api.SocketError;

/**
 * Maps what the JDK throws to the InCore error values, by exception type first and by the
 * operating system's message (the JDK passes {@code strerror} through) second.
 */
public final class SocketErrors {

    private SocketErrors() {
    }

    /**
     * Classifies a failure.
     *
     * @param failure what the JDK threw
     * @param connected whether the connection was established (a reset then means the remote
     *        host closed it)
     * @return the error value
     */
    public static SocketError classify(Throwable failure, boolean connected) {
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException) {
            return SocketError.HOST_NOT_FOUND_ERROR;
        }
        if (failure instanceof SocketTimeoutException) {
            return SocketError.SOCKET_TIMEOUT_ERROR;
        }
        if (failure instanceof UnsupportedAddressTypeException
                || failure instanceof UnsupportedOperationException) {
            return SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR;
        }
        if (failure instanceof PortUnreachableException) {
            return SocketError.CONNECTION_REFUSED_ERROR;
        }
        if (failure instanceof NoRouteToHostException) {
            return SocketError.NETWORK_ERROR;
        }
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("address already in use")) {
            return SocketError.ADDRESS_IN_USE_ERROR;
        }
        if (message.contains("cannot assign requested address") || message.contains("can't assign requested address")
                || (failure instanceof BindException && message.contains("not available"))) {
            return SocketError.SOCKET_ADDRESS_NOT_AVAILABLE_ERROR;
        }
        if (message.contains("permission denied") || message.contains("operation not permitted")) {
            return SocketError.SOCKET_ACCESS_ERROR;
        }
        if (message.contains("too many open files") || message.contains("no buffer space")
                || message.contains("cannot allocate memory")) {
            return SocketError.SOCKET_RESOURCE_ERROR;
        }
        if (message.contains("message too long")) {
            return SocketError.DATAGRAM_TOO_LARGE_ERROR;
        }
        if (message.contains("protocol family") || message.contains("address family")
                || message.contains("protocol not available") || message.contains("not supported")) {
            return SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR;
        }
        if (message.contains("network is unreachable") || message.contains("no route to host")
                || message.contains("network is down") || message.contains("host is down")) {
            return SocketError.NETWORK_ERROR;
        }
        if (message.contains("timed out")) {
            return connected ? SocketError.NETWORK_ERROR : SocketError.SOCKET_TIMEOUT_ERROR;
        }
        if (message.contains("connection refused")) {
            return SocketError.CONNECTION_REFUSED_ERROR;
        }
        if (message.contains("reset") || message.contains("broken pipe") || message.contains("closed")) {
            return connected ? SocketError.REMOTE_HOST_CLOSED_ERROR : SocketError.CONNECTION_REFUSED_ERROR;
        }
        if (failure instanceof ConnectException) {
            return SocketError.CONNECTION_REFUSED_ERROR;
        }
        return failure instanceof IOException ? SocketError.NETWORK_ERROR : SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR;
    }

    /**
     * Returns the operating system's reason in a failure, or the exception's type when it has
     * no message.
     *
     * @param failure what the JDK threw
     * @return a short reason
     */
    public static String reason(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    /**
     * Returns an error's seed name as words for the start of a message: ConnectionRefusedError
     * becomes "Connection Refused".
     *
     * @param error the error
     * @return the words
     */
    public static String describe(SocketError error) {
        String name = error.seedName().replaceAll("([a-z])([A-Z])", "$1 $2");
        return name.endsWith(" Error") ? name.substring(0, name.length() - 6) : name;
    }
}
