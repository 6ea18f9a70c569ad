package ipsocket.impl.server;

import java.net.InetSocketAddress;

import ipsocket.api.SocketError;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpServerListener;

/**
 * A server listener that also wants the peer an accept error is about (the {@code ACCEPT_ERROR}
 * event names it); the server calls this method instead of the API's three-argument one.
 */
public interface AcceptErrorListener extends TcpServerListener {
    /**
     * Called when listening or accepting failed.
     *
     * @param server the server
     * @param error the error
     * @param errorString the description
     * @param peer the peer concerned, or {@code null} when none is (a listen or accept failure)
     */
    void acceptError(TcpServer server, SocketError error, String errorString, InetSocketAddress peer);

    @Override
    default void acceptError(TcpServer server, SocketError error, String errorString) {
        acceptError(server, error, errorString, null);
    }
}
