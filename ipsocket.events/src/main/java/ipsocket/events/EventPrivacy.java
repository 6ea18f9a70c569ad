package ipsocket.events;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.util.tracker.ServiceTracker;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;

/**
 * Keeps secrets out of what the gateway writes down (the events file and the console lines):
 * <ul>
 * <li>a payload ({@code data}, in either direction: {@code DATA_RECEIVED},
 * {@code DATAGRAM_RECEIVED} and inbound {@code WRITE}) is shown only when the socket named by
 * the event's {@code objectId} has {@code publishData = true}; otherwise it is replaced by
 * {@link #WITHHELD_LENGTH}, its length in bytes. A socket that cannot be found (gone, or not
 * yet registered) counts as not publishing;</li>
 * <li>a private property (a key with a leading dot, such as {@code .keyStorePassword}) is
 * removed, and a {@code PROPERTY_CHANGED} event about one loses its {@code value}.</li>
 * </ul>
 * The socket's {@code publishData} is read from the socket service itself
 * ({@link IpSocket#serializeProperties()}), found by its {@code objectId} service property, only
 * for events that carry a payload. Only the service references are tracked; the service is got
 * for such an event and released after it: a gateway holds thousands of sockets, and a service
 * kept got costs the framework's use count and holder per socket (issue 15, about 170 B each).
 */
final class EventPrivacy implements AutoCloseable {
    /** Event property that replaces a withheld payload: its length in bytes. */
    static final String WITHHELD_LENGTH = SocketEvents.DATA + ".length";

    private final BundleContext context;
    private final Map<Object, ServiceReference<IpSocket>> byObjectId = new ConcurrentHashMap<>();
    private final ServiceTracker<IpSocket, ServiceReference<IpSocket>> sockets;

    /**
     * Starts tracking the socket services.
     *
     * @param context the bundle context
     */
    EventPrivacy(BundleContext context) {
        this.context = context;
        sockets = new ServiceTracker<>(context, IpSocket.class, null) {
            @Override
            public ServiceReference<IpSocket> addingService(ServiceReference<IpSocket> reference) {
                byObjectId.put(objectIdOf(reference), reference);
                return reference;
            }

            @Override
            public void modifiedService(ServiceReference<IpSocket> reference, ServiceReference<IpSocket> tracked) {
                byObjectId.values().remove(reference);
                byObjectId.put(objectIdOf(reference), reference);
            }

            @Override
            public void removedService(ServiceReference<IpSocket> reference, ServiceReference<IpSocket> tracked) {
                byObjectId.values().remove(reference);
            }
        };
        sockets.open();
    }

    private static Object objectIdOf(ServiceReference<IpSocket> reference) {
        Object objectId = reference.getProperty(SocketConfig.OBJECT_ID);
        return objectId == null ? "" : objectId;
    }

    /**
     * Returns the event as it may be written down.
     *
     * @param event the event
     * @return the event itself when nothing is private in it, else a copy without the secrets
     */
    Event redact(Event event) {
        return redact(event, this::publishesData);
    }

    private boolean publishesData(Object objectId) {
        ServiceReference<IpSocket> reference = objectId == null ? null : byObjectId.get(objectId);
        IpSocket socket;
        try {
            socket = reference == null ? null : context.getService(reference);
        } catch (IllegalStateException stopping) {
            socket = null; // this bundle is stopping
        }
        if (socket == null) {
            return false; // gone meanwhile: withheld, as for an unknown socket
        }
        try {
            return Boolean.TRUE.equals(socket.serializeProperties().get(SocketConfig.PUBLISH_DATA));
        } finally {
            context.ungetService(reference);
        }
    }

    /**
     * Returns the event as it may be written down, given which sockets publish their data.
     *
     * @param event the event
     * @param publishesData tells, for an objectId, whether that socket's payloads may be shown;
     *        asked only for an event that carries {@code data}
     * @return the event itself when nothing is private in it, else a copy without the secrets
     */
    static Event redact(Event event, Predicate<Object> publishesData) {
        boolean withholdData = event.containsProperty(SocketEvents.DATA)
                && !publishesData.test(event.getProperty(SocketEvents.OBJECT_ID));
        Object property = event.getProperty(SocketEvents.PROPERTY);
        boolean privateChange = property != null && isPrivate(property.toString());
        boolean privateKeys = false;
        for (String name : event.getPropertyNames()) {
            privateKeys |= isPrivate(name);
        }
        if (!withholdData && !privateChange && !privateKeys) {
            return event;
        }
        Map<String, Object> kept = new HashMap<>();
        for (String name : event.getPropertyNames()) {
            if (!isPrivate(name) && !name.equals("event.topics")) {
                kept.put(name, event.getProperty(name));
            }
        }
        if (privateChange) {
            kept.remove(SocketEvents.VALUE);
        }
        if (withholdData) {
            Object data = kept.remove(SocketEvents.DATA);
            if (data instanceof byte[]) {
                kept.put(WITHHELD_LENGTH, ((byte[]) data).length);
            } else if (data != null) {
                kept.put(WITHHELD_LENGTH, data.toString().getBytes(StandardCharsets.UTF_8).length);
            }
        }
        return new Event(event.getTopic(), kept);
    }

    /**
     * Whether a configuration or event key is private: it starts with a dot.
     *
     * @param key the key
     * @return true for a private key
     */
    static boolean isPrivate(String key) {
        return key.startsWith(".");
    }

    @Override
    public void close() {
        sockets.close();
    }
}
