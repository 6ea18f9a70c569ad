package ipsocket.impl.osgi;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

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
 *
 * <p>The same class serves every kind of socket: the kind is only the topic prefix it is given
 * ({@code ipsocket/TcpSocket/}, {@code ipsocket/UdpSocket/}, ...). A signal that a kind never
 * fires (such as {@code datagramReceived} for TCP) simply never arrives. No event is built for a
 * topic nobody wants.
 */
final class SocketEventPublisher implements SocketListener, AbstractIpSocket.DataTap {

    /** The events this publisher posts; the ordinal indexes the topic strings built once. */
    private enum Signal {
        CONNECTED(SocketEvents.CONNECTED), DISCONNECTED(SocketEvents.DISCONNECTED),
        ERROR_OCCURRED(SocketEvents.ERROR_OCCURRED), READY_READ(SocketEvents.READY_READ),
        LINE_AVAILABLE_FOR_READ(SocketEvents.LINE_AVAILABLE_FOR_READ), STATE_CHANGED(SocketEvents.STATE_CHANGED),
        DATAGRAM_RECEIVED(SocketEvents.DATAGRAM_RECEIVED), PROPERTY_CHANGED(SocketEvents.PROPERTY_CHANGED),
        DATA_RECEIVED(SocketEvents.DATA_RECEIVED);

        final String event;

        Signal(String event) {
            this.event = event;
        }
    }

    private static final Signal[] SIGNALS = Signal.values();

    private final EventAdmin eventAdmin;
    private final Predicate<String> wanted;
    private final String[] topics = new String[SIGNALS.length];

    /**
     * Creates the publisher of one socket.
     *
     * @param eventAdmin where the events go
     * @param topicPrefix the socket kind's topic prefix, such as {@code ipsocket/TcpSocket/}
     * @param wanted tells whether some handler subscribes to a full topic (see
     *        {@link Subscriptions#wants}); nothing is built for a topic it refuses
     */
    SocketEventPublisher(EventAdmin eventAdmin, String topicPrefix, Predicate<String> wanted) {
        this.eventAdmin = eventAdmin;
        this.wanted = wanted;
        for (Signal signal : SIGNALS) {
            topics[signal.ordinal()] = topicPrefix + signal.event;
        }
    }

    @Override
    public void connected(IpSocket socket) {
        publish(Signal.CONNECTED, socket, socket.getState());
    }

    @Override
    public void disconnected(IpSocket socket) {
        publish(Signal.DISCONNECTED, socket, socket.getState());
    }

    @Override
    public void readyRead(IpSocket socket) {
        publish(Signal.READY_READ, socket, socket.getState());
    }

    @Override
    public void lineAvailableForRead(IpSocket socket) {
        publish(Signal.LINE_AVAILABLE_FOR_READ, socket, socket.getState());
    }

    @Override
    public void stateChanged(IpSocket socket, SocketState state) {
        publish(Signal.STATE_CHANGED, socket, state);
    }

    @Override
    public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
        Map<String, Object> properties = start(Signal.ERROR_OCCURRED, socket);
        if (properties != null) {
            putError(properties, error, errorString);
            post(Signal.ERROR_OCCURRED, properties);
        }
    }

    @Override
    public void datagramReceived(UdpSocket socket, UdpDatagram datagram) {
        Map<String, Object> properties = start(Signal.DATAGRAM_RECEIVED, socket);
        if (properties != null) {
            properties.put(SocketEvents.DATA, datagram.getPayload());
            properties.put(SocketEvents.SENDER_ADDRESS, datagram.getSenderAddress());
            properties.put(SocketEvents.SENDER_PORT, datagram.getSenderPort());
            properties.put(SocketEvents.DESTINATION_ADDRESS, datagram.getDestinationAddress());
            properties.put(SocketEvents.DESTINATION_PORT, datagram.getDestinationPort());
            post(Signal.DATAGRAM_RECEIVED, properties);
        }
    }

    @Override
    public void propertyChanged(IpSocket socket, String name, Object oldValue, Object newValue) {
        if ("currentDatagram".equals(name)) {
            return; // DATAGRAM_RECEIVED carries the datagram, with its addresses
        }
        Map<String, Object> properties = start(Signal.PROPERTY_CHANGED, socket);
        if (properties != null) {
            properties.put(SocketEvents.PROPERTY, name);
            properties.put(SocketEvents.VALUE, eventValue(newValue));
            post(Signal.PROPERTY_CHANGED, properties);
        }
    }

    @Override
    public void dataReceived(AbstractIpSocket socket, byte[] data) {
        Map<String, Object> properties = start(Signal.DATA_RECEIVED, socket);
        if (properties != null) {
            properties.put(SocketEvents.DATA, data);
            post(Signal.DATA_RECEIVED, properties);
        }
    }

    @Override
    public boolean wantsData() {
        return wants(Signal.DATA_RECEIVED);
    }

    /** Posts an event that carries only the common properties, if anyone wants it. */
    private void publish(Signal signal, IpSocket socket, SocketState state) {
        if (wants(signal)) {
            post(signal, common(socket.getObjectId(), state, socket.getHostname(), socket.getPort()));
        }
    }

    /**
     * Starts an event with more properties: the common ones with the socket's current state,
     * or {@code null} when nobody wants the event (then nothing is built).
     */
    private Map<String, Object> start(Signal signal, IpSocket socket) {
        return wants(signal) ? common(socket.getObjectId(), socket.getState(), socket.getHostname(), socket.getPort())
                : null;
    }

    private boolean wants(Signal signal) {
        return wanted.test(topics[signal.ordinal()]);
    }

    private void post(Signal signal, Map<String, Object> properties) {
        eventAdmin.postEvent(new Event(topics[signal.ordinal()], properties));
    }

    /**
     * Builds an {@code ERROR_OCCURRED} event from its parts, for an error that no socket's
     * signal reports (an inbound WRITE event naming no socket).
     *
     * @param topicPrefix the topic prefix of the socket kind
     * @param objectId the object id the event is about
     * @param state the state to report
     * @param hostname the hostname to report
     * @param port the port to report
     * @param error the error
     * @param errorString its description
     * @return the event, with the same properties as a socket's own error event
     */
    static Event errorEvent(String topicPrefix, String objectId, SocketState state, String hostname, int port,
            SocketError error, String errorString) {
        Map<String, Object> properties = common(objectId, state, hostname, port);
        putError(properties, error, errorString);
        return new Event(topicPrefix + SocketEvents.ERROR_OCCURRED, properties);
    }

    /** Returns the properties every event carries, in a new modifiable map. */
    private static Map<String, Object> common(String objectId, SocketState state, String hostname, int port) {
        Map<String, Object> properties = new HashMap<>(12);
        properties.put(SocketEvents.OBJECT_ID, objectId);
        properties.put(SocketEvents.STATE, state.seedName());
        properties.put(SocketEvents.HOSTNAME, hostname);
        properties.put(SocketEvents.PORT, port);
        return properties;
    }

    private static void putError(Map<String, Object> properties, SocketError error, String errorString) {
        properties.put(SocketEvents.ERROR, error.seedName());
        properties.put(SocketEvents.ERROR_CODE, error.value());
        properties.put(SocketEvents.ERROR_STRING, errorString);
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
