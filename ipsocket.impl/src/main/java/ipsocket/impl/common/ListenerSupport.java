package ipsocket.impl.common;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketListener;

/**
 * The listeners of one socket (see {@link Listeners}).
 */
public final class ListenerSupport extends Listeners<SocketListener> {
    private final IpSocket socket;

    /**
     * Creates the support for one socket.
     *
     * @param socket the socket named in log lines
     */
    public ListenerSupport(IpSocket socket) {
        this.socket = socket;
    }

    @Override
    protected String owner() {
        return "socket '" + socket.getObjectId() + "'";
    }
}
