package ipsocket.impl.tls;

import java.io.IOException;
import java.util.List;

import javax.net.ssl.SSLException;

import ipsocket.api.SocketError;
import ipsocket.impl.tcp.StreamLayer;

/**
 * Turns a TLS engine's exception into the socket's error and a text naming the cause: a failed
 * handshake is SslHandshakeFailedError (with the verifier's own words for an untrusted, expired,
 * mismatched or unpinned certificate, and plain words for an alert or a missing common
 * protocol), any other TLS failure SslInternalError.
 */
final class TlsFailures {
    private TlsFailures() {
    }

    static StreamLayer.Failure describe(SslSocketImpl socket, TlsVerifier verifier, javax.net.ssl.SSLEngine engine,
            IOException failure,
            String during) {
        if (!(failure instanceof SSLException)) {
            return null; // a reset or a closed channel: what TCP reports for it
        }
        // TLS 1.3 ends the client's handshake before the server judges the client's certificate,
        // so the server's refusal arrives as an alert just after it: still a failed handshake
        boolean handshake = "handshake".equals(during) || refusesTheClient(failure);
        List<String> verification = verifier.errors(engine);
        String reason;
        if (handshake && !verification.isEmpty()) {
            socket.signalSslErrors(verification);
            reason = String.join("; ", verification);
        } else {
            reason = inWords(socket, failure);
        }
        if (handshake) {
            return new StreamLayer.Failure(SocketError.SSL_HANDSHAKE_FAILED_ERROR, "TLS handshake of socket '"
                    + socket.getObjectId() + "' with " + socket.endpoint() + " failed: " + reason);
        }
        return new StreamLayer.Failure(SocketError.SSL_INTERNAL_ERROR, "TLS failed on the connection of socket '"
                + socket.getObjectId() + "' to " + socket.endpoint() + ": " + reason);
    }

    private static boolean refusesTheClient(IOException failure) {
        String message = String.valueOf(failure.getMessage());
        return message.startsWith("Received fatal alert: ") && (message.contains("certificate")
                || message.contains("unknown_ca") || message.contains("access_denied"));
    }

    private static String inWords(SslSocketImpl socket, IOException failure) {
        String message = deepest(failure);
        if (message.startsWith("Received fatal alert: ")) {
            String alert = message.substring("Received fatal alert: ".length());
            return "the peer sent the TLS alert '" + alert + "'" + hint(alert);
        }
        if (message.contains("No appropriate protocol") || message.contains("protocol_version")
                || message.contains("not supported by the server") || message.contains("Client requested protocol")) {
            return "no protocol in common with the peer (offered sslProtocols " + socket.getSslProtocols()
                    + "): " + message;
        }
        if (message.contains("Unsupported or unrecognized SSL message")) {
            return "the peer does not speak TLS (plain text on a TLS port?): " + message;
        }
        return message;
    }

    private static String hint(String alert) {
        switch (alert) {
            case "protocol_version":
                return " (no protocol version in common: see sslProtocols)";
            case "handshake_failure":
            case "insufficient_security":
                return " (no cipher suite or parameters in common: see cipherSuites and sslProtocols)";
            case "certificate_required":
            case "bad_certificate":
            case "unknown_ca":
                return " (the peer wants a client certificate it trusts: see localCertificate/privateKey or keyStore)";
            case "no_application_protocol":
                return " (no ALPN protocol in common: see alpnProtocols)";
            case "unrecognized_name":
                return " (the peer does not know the SNI name: see peerVerifyName)";
            default:
                return "";
        }
    }

    /** The message of the exception and its causes that says most: the deepest with a message. */
    private static String deepest(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable cause = failure.getCause(); cause != null && cause != failure; cause = cause.getCause()) {
            if (cause.getMessage() != null && !(cause instanceof SSLException && message != null
                    && message.startsWith("Received fatal alert"))) {
                message = cause.getMessage();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }
}
