package ipsocket.impl.osgi;

import ipsocket.impl.common.AbstractIpSocket;

/**
 * Watches sockets come and go in the {@link SocketRuntime}: the event bridge is one. An observer
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
}
