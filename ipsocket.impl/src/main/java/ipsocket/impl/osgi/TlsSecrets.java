package ipsocket.impl.osgi;

import java.util.Map;

import ipsocket.api.SocketConfig;
import ipsocket.impl.tls.SslSocketImpl;

/**
 * Hands the private password properties of a configuration to its TLS socket, and nowhere else:
 * they are no socket properties (so no service property, event, JSON or log line carries them),
 * and a missing one means none.
 */
final class TlsSecrets {
    private TlsSecrets() {
    }

    /**
     * Sets the socket's passwords from a configuration.
     *
     * @param socket the socket
     * @param properties the configuration, with the private properties
     */
    static void apply(SslSocketImpl socket, Map<String, Object> properties) {
        socket.setPrivateKeyPassword(text(properties.get(SocketConfig.PRIVATE_KEY_PASSWORD)));
        socket.setKeyStorePassword(text(properties.get(SocketConfig.KEY_STORE_PASSWORD)));
    }

    private static String text(Object value) {
        if (value instanceof char[]) {
            return new String((char[]) value);
        }
        return value == null ? "" : value.toString();
    }
}
