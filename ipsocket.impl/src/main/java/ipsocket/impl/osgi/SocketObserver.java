package ipsocket.impl.osgi;

import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.server.TcpServerImpl;

/**
 * Watches sockets and servers come and go in the {@link SocketRuntime}: the event bridge is one. An observer
 * added sees the sockets already there at once, then every new one before its configuration is
 * applied.
 */
interface SocketObserver {
    /**
     * A socket was created; called before its configuration is applied.
     *
     * @param socket the socket
     * @param topicPrefix its kind's event topic prefix
     */
    void socketAdded(AbstractIpSocket socket, String topicPrefix);

    /**
     * A socket is gone (or this observer is being removed).
     *
     * @param socket the socket
     */
    void socketRemoved(AbstractIpSocket socket);

    /**
     * A server was created; called before its configuration is applied and it listens.
     *
     * @param server the server
     */
    default void serverAdded(TcpServerImpl server) {
    }

    /**
     * A server is gone (or this observer is being removed).
     *
     * @param server the server
     */
    default void serverRemoved(TcpServerImpl server) {
    }
}
