package ipsocket.impl.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpSocket;

/**
 * Records a server's signals, and echoes what every accepted connection receives when asked to;
 * thread-safe (signals come from several loop threads).
 */
final class ServerProbe implements AcceptErrorListener {
    /** One acceptError signal. */
    record AcceptError(SocketError error, String text, InetSocketAddress peer) {
    }

    final List<TcpSocket> accepted = new CopyOnWriteArrayList<>();
    final List<AcceptError> errors = new CopyOnWriteArrayList<>();
    final List<Boolean> listening = new CopyOnWriteArrayList<>();
    private final boolean echo;

    ServerProbe(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void newConnection(TcpServer server, TcpSocket socket) {
        if (echo) {
            socket.addListener(Echo.INSTANCE);
        }
        accepted.add(socket);
    }

    @Override
    public void acceptError(TcpServer server, SocketError error, String errorString, InetSocketAddress peer) {
        errors.add(new AcceptError(error, errorString, peer));
    }

    @Override
    public void listeningChanged(TcpServer server, boolean isListening) {
        listening.add(isListening);
    }

    /** Writes back what arrives. */
    private enum Echo implements SocketListener {
        INSTANCE;

        @Override
        public void readyRead(IpSocket socket) {
            socket.write(socket.readAll());
        }
    }
}
