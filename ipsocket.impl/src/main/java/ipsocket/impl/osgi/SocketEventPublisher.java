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
    private final Subscriptions subscriptions;
    private final String[] topics = new String[EVENTS.length];

    /** The event names this publisher posts, indexed for the topic strings it builds once. */
    private static final String[] EVENTS = {SocketEvents.CONNECTED, SocketEvents.DISCONNECTED,
        SocketEvents.ERROR_OCCURRED, SocketEvents.READY_READ, SocketEvents.LINE_AVAILABLE_FOR_READ,
        SocketEvents.STATE_CHANGED, SocketEvents.DATAGRAM_RECEIVED, SocketEvents.PROPERTY_CHANGED,
        SocketEvents.DATA_RECEIVED};

    SocketEventPublisher(EventAdmin eventAdmin, String topicPrefix, Subscriptions subscriptions) {
        this.eventAdmin = eventAdmin;
        this.topicPrefix = topicPrefix;
        this.subscriptions = subscriptions;
        for (int i = 0; i < EVENTS.length; i++) {
            topics[i] = topicPrefix + EVENTS[i];
        }
    }

    /**
     * Returns the topic prefix of the socket's kind.
     *
     * @return for example {@code ipsocket/TcpSocket/}
     */
    String topicPrefix() {
        return topicPrefix;
    }

    /** Returns whether some handler would receive the event; nobody listening, nothing built. */
    private boolean wanted(String event) {
        return subscriptions.wants(topic(event));
    }

    private String topic(String event) {
        for (int i = 0; i < EVENTS.length; i++) {
            if (EVENTS[i].equals(event)) {
                return topics[i];
            }
        }
        return topicPrefix + event;
    }

    @Override
    public void connected(IpSocket socket) {
        if (!wanted(SocketEvents.CONNECTED)) {
            return;
        }
        post(SocketEvents.CONNECTED, base(socket, socket.getState()));
    }

    @Override
    public void disconnected(IpSocket socket) {
        if (!wanted(SocketEvents.DISCONNECTED)) {
            return;
        }
        post(SocketEvents.DISCONNECTED, base(socket, socket.getState()));
    }

    @Override
    public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
        if (!wanted(SocketEvents.ERROR_OCCURRED)) {
            return;
        }
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.ERROR, error.seedName());
        properties.put(SocketEvents.ERROR_CODE, error.value());
        properties.put(SocketEvents.ERROR_STRING, errorString);
        post(SocketEvents.ERROR_OCCURRED, properties);
    }

    @Override
    public void readyRead(IpSocket socket) {
        if (!wanted(SocketEvents.READY_READ)) {
            return;
        }
        post(SocketEvents.READY_READ, base(socket, socket.getState()));
    }

    @Override
    public void lineAvailableForRead(IpSocket socket) {
        if (!wanted(SocketEvents.LINE_AVAILABLE_FOR_READ)) {
            return;
        }
        post(SocketEvents.LINE_AVAILABLE_FOR_READ, base(socket, socket.getState()));
    }

    @Override
    public void stateChanged(IpSocket socket, SocketState state) {
        if (!wanted(SocketEvents.STATE_CHANGED)) {
            return;
        }
        post(SocketEvents.STATE_CHANGED, base(socket, state));
    }

    @Override
    public void datagramReceived(UdpSocket socket, UdpDatagram datagram) {
        if (!wanted(SocketEvents.DATAGRAM_RECEIVED)) {
            return;
        }
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
        if ("currentDatagram".equals(name) || !wanted(SocketEvents.PROPERTY_CHANGED)) {
            return; // DATAGRAM_RECEIVED carries the datagram, with its addresses
        }
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.PROPERTY, name);
        properties.put(SocketEvents.VALUE, eventValue(newValue));
        post(SocketEvents.PROPERTY_CHANGED, properties);
    }

    @Override
    public void dataReceived(AbstractIpSocket socket, byte[] data) {
        if (!wanted(SocketEvents.DATA_RECEIVED)) {
            return;
        }
        Map<String, Object> properties = base(socket, socket.getState());
        properties.put(SocketEvents.DATA, data);
        post(SocketEvents.DATA_RECEIVED, properties);
    }

    @Override
    public boolean wantsData() {
        return wanted(SocketEvents.DATA_RECEIVED);
    }

    private void post(String event, Map<String, Object> properties) {
        eventAdmin.postEvent(new Event(topic(event), properties));
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
