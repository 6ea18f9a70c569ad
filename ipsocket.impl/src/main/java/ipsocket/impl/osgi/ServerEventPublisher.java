package ipsocket.impl.osgi;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpSocket;
import ipsocket.impl.server.AcceptErrorListener;

/**
 * Turns one server's signals into events on {@code ipsocket/TcpServer/<EVENT>} (CONTRACT.md
 * section 6), posted asynchronously ({@code postEvent}); nothing is built for a topic nobody
 * wants. Every event carries {@code objectId}, {@code localAddress} and {@code localPort}. The
 * accepted connections' own events are TcpSocket events, published as for any socket.
 */
final class ServerEventPublisher implements AcceptErrorListener {
    private final EventAdmin eventAdmin;
    private final Predicate<String> wanted;

    /**
     * Creates the publisher of one server.
     *
     * @param eventAdmin where the events go
     * @param wanted tells whether some handler subscribes to a full topic
     */
    ServerEventPublisher(EventAdmin eventAdmin, Predicate<String> wanted) {
        this.eventAdmin = eventAdmin;
        this.wanted = wanted;
    }

    @Override
    public void listeningChanged(TcpServer server, boolean listening) {
        String topic = listening ? SocketEvents.SERVER_LISTENING : SocketEvents.SERVER_CLOSED;
        if (wanted.test(topic)) {
            eventAdmin.postEvent(new Event(topic, common(server)));
        }
    }

    @Override
    public void newConnection(TcpServer server, TcpSocket socket) {
        if (wanted.test(SocketEvents.SERVER_NEW_CONNECTION)) {
            Map<String, Object> properties = common(server);
            properties.put(SocketEvents.CONNECTION, socket.getObjectId());
            properties.put(SocketEvents.PEER_ADDRESS, socket.getPeerAddress());
            properties.put(SocketEvents.PEER_PORT, socket.getPeerPort());
            eventAdmin.postEvent(new Event(SocketEvents.SERVER_NEW_CONNECTION, properties));
        }
    }

    @Override
    public void acceptError(TcpServer server, SocketError error, String errorString, InetSocketAddress peer) {
        if (wanted.test(SocketEvents.SERVER_ACCEPT_ERROR)) {
            Map<String, Object> properties = common(server);
            properties.put(SocketEvents.ERROR, error.seedName());
            properties.put(SocketEvents.ERROR_CODE, error.value());
            properties.put(SocketEvents.ERROR_STRING, errorString);
            if (peer != null) {
                properties.put(SocketEvents.PEER_ADDRESS, peer.getAddress().getHostAddress());
                properties.put(SocketEvents.PEER_PORT, peer.getPort());
            }
            eventAdmin.postEvent(new Event(SocketEvents.SERVER_ACCEPT_ERROR, properties));
        }
    }

    private static Map<String, Object> common(TcpServer server) {
        Map<String, Object> properties = new HashMap<>(12);
        properties.put(SocketEvents.OBJECT_ID, server.getObjectId());
        properties.put(SocketEvents.LOCAL_ADDRESS, server.getLocalAddress());
        properties.put(SocketEvents.LOCAL_PORT, server.getLocalPort());
        return properties;
    }
}
