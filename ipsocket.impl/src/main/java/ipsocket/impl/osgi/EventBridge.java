package ipsocket.impl.osgi;

import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * Connects the sockets to one EventAdmin: posts every socket's signals as events and writes the
 * data of inbound {@code WRITE} events. {@link EventAdminWatch} creates it when an EventAdmin is
 * registered and closes it when that EventAdmin goes; the sockets work without it.
 *
 * <p>Not a DS component on purpose: the runtime creates it while it activates, before any
 * socket can use the runtime, so no socket's first events (HostLookup, Connected) go
 * unpublished, and no activation order between components can make a difference.
 */
final class EventBridge implements EventHandler, SocketObserver, AutoCloseable {
    private final EventAdmin eventAdmin;
    private final SocketRuntime runtime;
    private final Map<AbstractIpSocket, SocketEventPublisher> publishers = new ConcurrentHashMap<>();
    private final Subscriptions subscriptions = new Subscriptions();
    private final ServiceTracker<EventHandler, ServiceReference<EventHandler>> handlers;
    private final ServiceRegistration<EventHandler> registration;

    private EventBridge(BundleContext context, EventAdmin eventAdmin, SocketRuntime runtime) {
        this.eventAdmin = eventAdmin;
        this.runtime = runtime;
        this.handlers = new ServiceTracker<>(context, EventHandler.class, new HandlerTopics(context.getBundle()));
        handlers.open();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, new String[] {SocketEvents.TCP_WRITE, SocketEvents.UDP_WRITE});
        properties.put(org.osgi.framework.Constants.SERVICE_DESCRIPTION,
                "ipsocket: writes the data of inbound WRITE events with the socket they name");
        this.registration = context.registerService(EventHandler.class, this, properties);
        runtime.addObserver(this);
    }

    /**
     * Creates a bridge to an EventAdmin service and attaches it to every socket, present and
     * future. Takes the service as an {@code Object} so that the caller needs no EventAdmin type:
     * when this bundle has no wire to {@code org.osgi.service.event}, calling this fails with a
     * {@link LinkageError}, which the caller reports.
     *
     * @param context this bundle's context
     * @param eventAdmin the EventAdmin service object
     * @param runtime the runtime whose sockets to publish
     * @return the bridge; {@link #close()} detaches it
     */
    static AutoCloseable open(BundleContext context, Object eventAdmin, SocketRuntime runtime) {
        return new EventBridge(context, (EventAdmin) eventAdmin, runtime);
    }

    /** Detaches from every socket and withdraws the WRITE handler. */
    @Override
    public void close() {
        runtime.removeObserver(this);
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework has withdrawn it already
        }
        handlers.close();
    }

    /** Keeps {@link Subscriptions} current with every other bundle's EventHandler topics. */
    private final class HandlerTopics
            implements ServiceTrackerCustomizer<EventHandler, ServiceReference<EventHandler>> {
        private final Bundle own;

        HandlerTopics(Bundle own) {
            this.own = own;
        }

        @Override
        public ServiceReference<EventHandler> addingService(ServiceReference<EventHandler> reference) {
            if (reference.getBundle() == own) {
                return null; // our own WRITE handler subscribes to nothing we post
            }
            subscriptions.put(reference, Subscriptions.patterns(reference.getProperty(EventConstants.EVENT_TOPIC)));
            return reference;
        }

        @Override
        public void modifiedService(ServiceReference<EventHandler> reference, ServiceReference<EventHandler> same) {
            subscriptions.put(reference, Subscriptions.patterns(reference.getProperty(EventConstants.EVENT_TOPIC)));
        }

        @Override
        public void removedService(ServiceReference<EventHandler> reference, ServiceReference<EventHandler> same) {
            subscriptions.remove(reference);
        }
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
        AbstractIpSocket socket = objectId instanceof String ? find((String) objectId, topicPrefix) : null;
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

    /** Finds a live socket by object id and kind, among those the runtime reported. */
    private AbstractIpSocket find(String objectId, String topicPrefix) {
        for (Map.Entry<AbstractIpSocket, SocketEventPublisher> entry : publishers.entrySet()) {
            if (entry.getValue().topicPrefix().equals(topicPrefix) && entry.getKey().getObjectId().equals(objectId)) {
                return entry.getKey();
            }
        }
        return null;
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
