package ipsocket.impl.osgi;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.PropertyValues;

/**
 * Turns one socket's signals into EventAdmin events, posted asynchronously ({@code postEvent})
 * from the socket's loop thread, so they arrive in the order they happened and a slow handler
 * never stalls I/O. Payloads are copies: no event shares a buffer with the socket.
 */
final class SocketEventPublisher implements SocketListener, AbstractIpSocket.DataTap {
    private final EventAdmin eventAdmin;
    private final String topicPrefix;

    SocketEventPublisher(EventAdmin eventAdmin, String topicPrefix) {
        this.eventAdmin = eventAdmin;
        this.topicPrefix = topicPrefix;
    }

    @Override
    public void connected(IpSocket socket) {
        post(SocketEvents.CONNECTED, base(socket, socket.getState()));
    }

    @Override
    public void disconnected(IpSocket socket) {
        post(SocketEvents.DISCONNECTED, base(socket, socket.getState()));
    }

    @Override
    public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.ERROR, error.seedName());
        properties.put(SocketEvents.ERROR_CODE, error.value());
        properties.put(SocketEvents.ERROR_STRING, errorString);
        post(SocketEvents.ERROR_OCCURRED, properties);
    }

    @Override
    public void readyRead(IpSocket socket) {
        post(SocketEvents.READY_READ, base(socket, socket.getState()));
    }

    @Override
    public void lineAvailableForRead(IpSocket socket) {
        post(SocketEvents.LINE_AVAILABLE_FOR_READ, base(socket, socket.getState()));
    }

    @Override
    public void stateChanged(IpSocket socket, SocketState state) {
        post(SocketEvents.STATE_CHANGED, base(socket, state));
    }

    @Override
    public void datagramReceived(UdpSocket socket, UdpDatagram datagram) {
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.DATA, datagram.getPayload());
        properties.put(SocketEvents.SENDER_ADDRESS, datagram.getSenderAddress());
        properties.put(SocketEvents.SENDER_PORT, datagram.getSenderPort());
        properties.put(SocketEvents.DESTINATION_ADDRESS, datagram.getDestinationAddress());
        properties.put(SocketEvents.DESTINATION_PORT, datagram.getDestinationPort());
        post(SocketEvents.DATAGRAM_RECEIVED, properties);
    }

    @Override
    public void propertyChanged(IpSocket socket, String name, Object oldValue, Object newValue) {
        if ("currentDatagram".equals(name)) {
            return; // DATAGRAM_RECEIVED carries it, with its addresses
        }
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.PROPERTY, name);
        properties.put(SocketEvents.VALUE, eventValue(newValue));
        post(SocketEvents.PROPERTY_CHANGED, properties);
    }

    @Override
    public void dataReceived(AbstractIpSocket socket, byte[] data) {
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.DATA, data);
        post(SocketEvents.DATA_RECEIVED, properties);
    }

    private void post(String event, Map<String, Object> properties) {
        eventAdmin.postEvent(new Event(topicPrefix + event, properties));
    }

    /**
     * Returns the properties every event carries.
     *
     * @param socket the socket
     * @param state the state to report
     * @return a new modifiable map
     */
    static Map<String, Object> base(IpSocket socket, SocketState state) {
        Map<String, Object> properties = new HashMap<>(12);
        properties.put(SocketEvents.OBJECT_ID, socket.getObjectId());
        properties.put(SocketEvents.STATE, state.seedName());
        properties.put(SocketEvents.HOSTNAME, socket.getHostname());
        properties.put(SocketEvents.PORT, socket.getPort());
        return properties;
    }

    private static Object eventValue(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof SocketError) {
            return ((SocketError) value).seedName();
        }
        if (value instanceof SocketState) {
            return ((SocketState) value).seedName();
        }
        Object plain = PropertyValues.plain(value);
        return plain instanceof String || plain instanceof Number || plain instanceof Boolean
                || plain instanceof String[] ? plain : String.valueOf(plain);
    }
}
