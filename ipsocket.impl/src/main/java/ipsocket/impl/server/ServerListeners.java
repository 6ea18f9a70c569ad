package ipsocket.impl.server;

import ipsocket.api.TcpServer;
import ipsocket.api.TcpServerListener;
import ipsocket.impl.common.Listeners;

/** The listeners of one server (see {@link Listeners}). */
final class ServerListeners extends Listeners<TcpServerListener> {
    private final TcpServer server;

    ServerListeners(TcpServer server) {
        this.server = server;
    }

    @Override
    protected String owner() {
        return "server '" + server.getObjectId() + "'";
    }
}
