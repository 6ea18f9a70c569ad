package ipsocket.impl.osgi;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * Connects the sockets to EventAdmin: posts every socket's signals as events and writes the
 * data of inbound {@code WRITE} events. Active only while an EventAdmin is present; the sockets
 * work without it.
 */
@Component(service = EventHandler.class, immediate = true,
        property = {EventConstants.EVENT_TOPIC + "=" + SocketEvents.TCP_WRITE,
                EventConstants.EVENT_TOPIC + "=" + SocketEvents.UDP_WRITE})
public class EventBridge implements EventHandler, SocketRuntime.SocketObserver {
    private final EventAdmin eventAdmin;
    private final SocketRuntime runtime;
    private final Map<AbstractIpSocket, SocketEventPublisher> publishers = new ConcurrentHashMap<>();
    private final Subscriptions subscriptions = new Subscriptions();

    /**
     * Starts publishing the events of every socket, present and future.
     *
     * @param eventAdmin the event admin
     * @param runtime the shared runtime
     */
    @Activate
    public EventBridge(@Reference(name = "eventAdmin") EventAdmin eventAdmin,
            @Reference(name = "runtime") SocketRuntime runtime) {
        this.eventAdmin = eventAdmin;
        this.runtime = runtime;
        runtime.addObserver(this);
    }

    @Deactivate
    void deactivate() {
        runtime.removeObserver(this);
    }

    /**
     * Tracks the topics every other EventHandler subscribes to.
     *
     * @param reference the handler's service reference
     */
    @Reference(service = EventHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addHandler(ServiceReference<EventHandler> reference) {
        if (reference.getBundle() != null && reference.getProperty(EventConstants.EVENT_TOPIC) != null
                && !isOwnHandler(reference)) {
            subscriptions.put(reference, Subscriptions.patterns(reference.getProperty(EventConstants.EVENT_TOPIC)));
        }
    }

    void updatedHandler(ServiceReference<EventHandler> reference) {
        addHandler(reference);
    }

    void removeHandler(ServiceReference<EventHandler> reference) {
        subscriptions.remove(reference);
    }

    private static boolean isOwnHandler(ServiceReference<EventHandler> reference) {
        return EventBridge.class.getName().equals(reference.getProperty("component.name"));
    }

    @Override
    public void socketAdded(AbstractIpSocket socket, String topicPrefix) {
        SocketEventPublisher publisher = new SocketEventPublisher(eventAdmin, topicPrefix, subscriptions);
        if (publishers.putIfAbsent(socket, publisher) == null) {
            socket.addListener(publisher);
            socket.setDataTap(publisher);
        }
    }

    @Override
    public void socketRemoved(AbstractIpSocket socket) {
        SocketEventPublisher publisher = publishers.remove(socket);
        if (publisher != null) {
            socket.setDataTap(null);
            socket.removeListener(publisher);
        }
    }

    /**
     * Writes the data of an inbound {@code WRITE} event with the socket it names; a write that
     * cannot be done is answered with an {@code ERROR_OCCURRED} event.
     *
     * @param event the write request
     */
    @Override
    public void handleEvent(Event event) {
        String topicPrefix = event.getTopic().substring(0, event.getTopic().length() - SocketEvents.WRITE.length());
        Object objectId = event.getProperty(SocketEvents.OBJECT_ID);
        AbstractIpSocket socket = objectId instanceof String ? runtime.find((String) objectId, topicPrefix) : null;
        if (socket == null) {
            answerUnknownSocket(topicPrefix, objectId);
            return;
        }
        Object data = event.getProperty(SocketEvents.DATA);
        byte[] bytes = data instanceof byte[] ? (byte[]) data
                : data instanceof String ? ((String) data).getBytes(StandardCharsets.UTF_8) : null;
        if (bytes == null) {
            socket.reportExternalError(SocketError.OPERATION_ERROR, "WRITE event for socket '" + objectId
                    + "' has no data: expected property '" + SocketEvents.DATA + "' as byte[] or String, got "
                    + (data == null ? "nothing" : data.getClass().getSimpleName()));
            return;
        }
        if (socket instanceof UdpSocketImpl && event.getProperty(SocketEvents.DESTINATION_ADDRESS) != null) {
            writeDatagram((UdpSocketImpl) socket, event, bytes);
            return;
        }
        long accepted = socket.write(bytes);
        if (accepted >= 0 && accepted < bytes.length) {
            socket.reportExternalError(SocketError.TEMPORARY_ERROR, "WRITE event for socket '" + objectId
                    + "': the write buffer is full; " + accepted + " of " + bytes.length + " bytes accepted");
        }
        // accepted == -1: the socket has reported why (OperationError), which is posted as an event
    }

    private void writeDatagram(UdpSocketImpl socket, Event event, byte[] bytes) {
        Object address = event.getProperty(SocketEvents.DESTINATION_ADDRESS);
        Object port = event.getProperty(SocketEvents.DESTINATION_PORT);
        int destinationPort;
        try {
            destinationPort = port instanceof Number ? ((Number) port).intValue() : Integer.parseInt(String.valueOf(port));
            socket.writeDatagram(UdpDatagram.to(String.valueOf(address), destinationPort, bytes));
        } catch (IllegalArgumentException e) {
            socket.reportExternalError(SocketError.DATAGRAM_WRITE_ERROR, "WRITE event for socket '"
                    + socket.getObjectId() + "' has a bad destination " + address + ":" + port + ": " + e.getMessage());
        }
    }

    private void answerUnknownSocket(String topicPrefix, Object objectId) {
        Map<String, Object> properties = new java.util.HashMap<>();
        properties.put(SocketEvents.OBJECT_ID, String.valueOf(objectId));
        properties.put(SocketEvents.STATE, SocketState.DISCONNECTED.seedName());
        properties.put(SocketEvents.HOSTNAME, "");
        properties.put(SocketEvents.PORT, -1);
        properties.put(SocketEvents.ERROR, SocketError.OPERATION_ERROR.seedName());
        properties.put(SocketEvents.ERROR_CODE, SocketError.OPERATION_ERROR.value());
        properties.put(SocketEvents.ERROR_STRING, "WRITE event names no socket: there is no "
                + topicPrefix.substring(SocketEvents.TOPIC_PREFIX.length(), topicPrefix.length() - 1)
                + " with objectId '" + objectId + "'");
        eventAdmin.postEvent(new Event(topicPrefix + SocketEvents.ERROR_OCCURRED, properties));
    }
}
