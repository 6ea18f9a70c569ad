package ipsocket.impl.osgi;

import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.impl.common.AbstractIpSocket;

/**
 * Writes the data of inbound {@code WRITE} events ({@code ipsocket/TcpSocket/WRITE},
 * {@code ipsocket/UdpSocket/WRITE}) with the socket they name, found by kind and object id in
 * the {@link SocketRuntime}. A write that cannot be done is answered with an
 * {@code ERROR_OCCURRED} event: reported by the socket (and so published like its other errors),
 * or, when the event names no socket, posted here.
 *
 * <p>Registered as an EventHandler service while an EventAdmin is there ({@link EventAdminWatch}
 * opens and closes it with the {@link EventBridge}).
 */
final class WriteEventHandler implements EventHandler, AutoCloseable {
    private final EventAdmin eventAdmin;
    private final SocketRuntime runtime;
    private final ServiceRegistration<EventHandler> registration;

    private WriteEventHandler(BundleContext context, EventAdmin eventAdmin, SocketRuntime runtime) {
        this.eventAdmin = eventAdmin;
        this.runtime = runtime;
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, new String[] {SocketEvents.TCP_WRITE, SocketEvents.UDP_WRITE,
            SocketEvents.SSL_WRITE});
        properties.put(Constants.SERVICE_DESCRIPTION,
                "ipsocket: writes the data of inbound WRITE events with the socket they name");
        this.registration = context.registerService(EventHandler.class, this, properties);
    }

    /**
     * Registers a WRITE handler that answers through an EventAdmin service. Takes the service as
     * an {@code Object} so that the caller needs no EventAdmin type: when this bundle has no wire
     * to {@code org.osgi.service.event}, calling this fails with a {@link LinkageError}.
     *
     * @param context this bundle's context
     * @param eventAdmin the EventAdmin service object, for the answers to WRITE events naming no socket
     * @param runtime the runtime whose sockets to write with
     * @return the handler; {@link #close()} withdraws it
     */
    static AutoCloseable open(BundleContext context, Object eventAdmin, SocketRuntime runtime) {
        return new WriteEventHandler(context, (EventAdmin) eventAdmin, runtime);
    }

    /** Withdraws the WRITE handler. */
    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework has withdrawn it already
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
        AbstractIpSocket socket = objectId instanceof String ? runtime.find(topicPrefix, (String) objectId) : null;
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
        if (socket instanceof UdpSocket && event.getProperty(SocketEvents.DESTINATION_ADDRESS) != null) {
            writeDatagram(socket, event, bytes);
            return;
        }
        long accepted = socket.writeWhole(bytes); // never a torn write: all the event's bytes or none
        if (accepted >= 0 && accepted < bytes.length) {
            socket.reportExternalError(SocketError.TEMPORARY_ERROR, "WRITE event for socket '" + objectId
                    + "' refused: its " + bytes.length + " bytes do not fit in the write buffer now ("
                    + socket.getBytesToWrite() + " of " + socket.getWriteBufferLimit()
                    + " bytes pending); nothing of it was sent");
        }
        // accepted == -1: the socket has reported why (OperationError), which is posted as an event
    }

    /** Sends the data as one datagram to the event's destination, with a UDP socket. */
    private static void writeDatagram(AbstractIpSocket socket, Event event, byte[] bytes) {
        Object address = event.getProperty(SocketEvents.DESTINATION_ADDRESS);
        Object port = event.getProperty(SocketEvents.DESTINATION_PORT);
        int destinationPort;
        try {
            destinationPort = port instanceof Number ? ((Number) port).intValue() : Integer.parseInt(String.valueOf(port));
            ((UdpSocket) socket).writeDatagram(UdpDatagram.to(String.valueOf(address), destinationPort, bytes));
        } catch (IllegalArgumentException e) {
            socket.reportExternalError(SocketError.DATAGRAM_WRITE_ERROR, "WRITE event for socket '"
                    + socket.getObjectId() + "' has a bad destination " + address + ":" + port + ": " + e.getMessage());
        }
    }

    private void answerUnknownSocket(String topicPrefix, Object objectId) {
        eventAdmin.postEvent(SocketEventPublisher.errorEvent(topicPrefix, String.valueOf(objectId),
                SocketState.DISCONNECTED, "", -1, SocketError.OPERATION_ERROR, "WRITE event names no socket: there is no "
                        + topicPrefix.substring(SocketEvents.TOPIC_PREFIX.length(), topicPrefix.length() - 1)
                        + " with objectId '" + objectId + "'"));
    }
}
