package ipsocket.impl.server;

import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * Watches the connections of one server come and go, for the component layer (events, services,
 * inbound writes). Called on a loop thread (the server's, or the connection's for
 * {@link #connected}); must not block.
 */
public interface ConnectionObserver {
    /** Watches nothing. */
    ConnectionObserver NONE = new ConnectionObserver() {
    };

    /**
     * A connection was accepted and is about to take over its channel: its settings are in place,
     * it is still Disconnected, and its first signals (Connected) are still to come.
     *
     * @param connection the connection
     */
    default void opening(TcpSocketImpl connection) {
    }

    /**
     * A connection is Connected and about to be announced by newConnection; called on the
     * connection's loop thread.
     *
     * @param connection the connection
     */
    default void connected(TcpSocketImpl connection) {
    }

    /**
     * A connection ended (it is Disconnected and no longer listed by the server).
     *
     * @param connection the connection
     */
    default void closed(TcpSocketImpl connection) {
    }
}
