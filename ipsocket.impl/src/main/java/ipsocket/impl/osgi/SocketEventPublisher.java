package ipsocket.impl.osgi;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.api.SslSocket;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.common.Fingerprints;
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
 *
 * <p>The data-side events ({@code DATA_RECEIVED}, {@code READY_READ},
 * {@code LINE_AVAILABLE_FOR_READ}, {@code DATAGRAM_RECEIVED}) are paced so that no peer can make
 * a socket post events without bound (docs/EVENTS-PATH.md, "Floods and trickles"):
 * <ul>
 * <li>arriving bytes, {@code readyRead} and {@code lineAvailableForRead} are gathered into a
 * batch, posted as at most one {@code DATA_RECEIVED} (the bytes concatenated, in order, at most
 * {@link #MAX_BATCH_BYTES}), one {@code READY_READ} and one {@code LINE_AVAILABLE_FOR_READ}; a
 * batch is posted at the end of the loop turn, but not sooner than {@link #BATCH_INTERVAL_NANOS}
 * after the previous batch, and at once before any other event of the socket, so the order of
 * events stays the order of signals;</li>
 * <li>a datagram's {@code DATA_RECEIVED} and {@code DATAGRAM_RECEIVED} are posted at once (a
 * datagram's bytes are never joined with another's);</li>
 * <li>datagrams have no backpressure, so per socket and second at most
 * {@link #DATA_EVENTS_PER_SECOND} datagram events ({@code DATAGRAM_RECEIVED} and a datagram's
 * {@code DATA_RECEIVED}) carrying at most {@link #DATA_BYTES_PER_SECOND} bytes are posted;
 * further ones are dropped, counted, and reported by an {@code ERROR_OCCURRED} event
 * (TemporaryError) at most once per {@link #WARNING_INTERVAL_NANOS}, naming the socket and the
 * numbers dropped since the previous one. That warning is an event only: the socket's own error
 * and state are left alone. A stream's bytes are never dropped from events: TCP's own
 * backpressure bounds them (a socket nobody reads stops reading at its {@code readBufferLimit}),
 * and a full batch is posted at once.</li>
 * </ul>
 * The pacing state is made on a socket's first data-side event: an idle socket carries none.
 */
final class SocketEventPublisher implements SocketListener, AbstractIpSocket.DataTap {

    /** The events this publisher posts; the ordinal indexes the topic strings built once. */
    private enum Signal {
        CONNECTED(SocketEvents.CONNECTED), DISCONNECTED(SocketEvents.DISCONNECTED),
        ERROR_OCCURRED(SocketEvents.ERROR_OCCURRED), READY_READ(SocketEvents.READY_READ),
        LINE_AVAILABLE_FOR_READ(SocketEvents.LINE_AVAILABLE_FOR_READ), STATE_CHANGED(SocketEvents.STATE_CHANGED),
        DATAGRAM_RECEIVED(SocketEvents.DATAGRAM_RECEIVED), PROPERTY_CHANGED(SocketEvents.PROPERTY_CHANGED),
        DATA_RECEIVED(SocketEvents.DATA_RECEIVED), ENCRYPTED(SocketEvents.ENCRYPTED),
        SSL_ERRORS(SocketEvents.SSL_ERRORS);

        final String event;

        Signal(String event) {
            this.event = event;
        }
    }

    private static final Signal[] SIGNALS = Signal.values();

    /** The least time between two batches of a socket's data events: 20 ms (at most 50 a second). */
    static final long BATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The most bytes one coalesced {@code DATA_RECEIVED} carries: 64 KiB; a fuller batch is posted at once. */
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /**
     * The most datagram events ({@code DATAGRAM_RECEIVED}, a datagram's {@code DATA_RECEIVED})
     * one socket posts in one second.
     */
    static final int DATA_EVENTS_PER_SECOND = 1_000;
    /** The most payload bytes the datagram events of one socket carry in one second: 4 MiB. */
    static final long DATA_BYTES_PER_SECOND = 4L * 1024 * 1024;
    /** The least time between two warnings about dropped events of one socket: one second. */
    static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * The topics of each kind, by topic prefix: made once and shared by every socket of the kind
     * (nine Strings per socket were about 750 B of each configured socket in the gateway).
     */
    private static final Map<String, String[]> TOPICS_BY_PREFIX = new ConcurrentHashMap<>();

    private final EventAdmin eventAdmin;
    private final Predicate<String> wanted;
    private final String[] topics;
    private DataPacing pacing; // loop thread only; made on the first data-side event

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
        this.topics = TOPICS_BY_PREFIX.computeIfAbsent(topicPrefix, SocketEventPublisher::topicsOf);
    }

    private static String[] topicsOf(String topicPrefix) {
        String[] topics = new String[SIGNALS.length];
        for (Signal signal : SIGNALS) {
            topics[signal.ordinal()] = topicPrefix + signal.event;
        }
        return topics;
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
        gather(Signal.READY_READ, socket);
    }

    @Override
    public void lineAvailableForRead(IpSocket socket) {
        gather(Signal.LINE_AVAILABLE_FOR_READ, socket);
    }

    /** Marks {@code READY_READ} or {@code LINE_AVAILABLE_FOR_READ} in the batch, if anyone wants it. */
    private void gather(Signal signal, IpSocket socket) {
        if (!wants(signal)) {
            return;
        }
        DataPacing batch = pacing(socket);
        if (batch == null) {
            publish(signal, socket, socket.getState());
            return;
        }
        if (signal == Signal.READY_READ) {
            batch.readyRead = true;
        } else {
            batch.lineAvailable = true;
        }
        batch.gathered();
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
        if (pacing != null) {
            pacing.postData(true); // this datagram's DATA_RECEIVED, never joined with the next one's
        }
        Map<String, Object> properties = start(Signal.DATAGRAM_RECEIVED, socket);
        DataPacing batch = properties == null ? null : pacing(socket);
        if (properties != null && (batch == null || batch.admit(datagram.size()))) {
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
    public void encrypted(SslSocket socket) {
        Map<String, Object> properties = start(Signal.ENCRYPTED, socket);
        if (properties != null) {
            List<X509Certificate> chain = socket.getPeerCertificateChain();
            properties.put(SocketEvents.SSL_PROTOCOL, socket.getSessionProtocol());
            properties.put(SocketEvents.SSL_CIPHER, socket.getSessionCipher());
            properties.put(SocketEvents.SSL_PEER_SUBJECT,
                    chain.isEmpty() ? "" : chain.get(0).getSubjectX500Principal().getName());
            properties.put(SocketEvents.SSL_PEER_SHA256, chain.isEmpty() ? "" : Fingerprints.sha256(chain.get(0)));
            post(Signal.ENCRYPTED, properties);
        }
    }

    @Override
    public void sslErrors(SslSocket socket, List<String> errors) {
        Map<String, Object> properties = start(Signal.SSL_ERRORS, socket);
        if (properties != null) {
            properties.put(SocketEvents.SSL_ERRORS_LIST, errors.toArray(new String[0]));
            post(Signal.SSL_ERRORS, properties);
        }
    }

    @Override
    public void dataReceived(AbstractIpSocket socket, byte[] data) {
        if (wants(Signal.DATA_RECEIVED)) {
            pacing(socket).add(data);
        }
    }

    @Override
    public boolean wantsData() {
        return wants(Signal.DATA_RECEIVED);
    }

    /** Posts an event that carries only the common properties, if anyone wants it. */
    private void publish(Signal signal, IpSocket socket, SocketState state) {
        if (wants(signal)) {
            flushBefore(signal);
            post(signal, common(socket, state));
        }
    }

    /**
     * Starts an event with more properties: the common ones with the socket's current state,
     * or {@code null} when nobody wants the event (then nothing is built). What a batch holds is
     * posted first, unless the event is a data-side one itself.
     */
    private Map<String, Object> start(Signal signal, IpSocket socket) {
        if (!wants(signal)) {
            return null;
        }
        flushBefore(signal);
        return common(socket, socket.getState());
    }

    /** Posts the gathered batch before an event that is not a data-side one, to keep the order. */
    private void flushBefore(Signal signal) {
        if (pacing != null && signal != Signal.DATAGRAM_RECEIVED && signal != Signal.READY_READ
                && signal != Signal.LINE_AVAILABLE_FOR_READ) {
            pacing.flush();
        }
    }

    /** The socket's pacing state, made on first use; {@code null} for a socket without a loop. */
    private DataPacing pacing(IpSocket socket) {
        if (pacing == null && socket instanceof AbstractIpSocket) {
            pacing = new DataPacing((AbstractIpSocket) socket);
        }
        return pacing;
    }

    private boolean wants(Signal signal) {
        return wanted.test(topics[signal.ordinal()]);
    }

    private void post(Signal signal, Map<String, Object> properties) {
        eventAdmin.postEvent(new Event(topics[signal.ordinal()], properties));
    }

    /**
     * The data-side events of one socket waiting to be posted and the counts that bound them (see
     * the class comment); used on the socket's loop thread only. As a {@link Runnable} it is the
     * loop task that posts the batch.
     */
    private final class DataPacing implements Runnable {
        private final AbstractIpSocket socket;
        private byte[] bytes; // the batch's bytes, the first [0, length) are used; null when none
        private int length;
        private SocketState state; // the socket's state at the batch's last signal
        boolean readyRead;
        boolean lineAvailable;
        private boolean scheduled;
        private boolean posted;
        private long postedNanos;
        private long windowNanos;
        private int windowEvents;
        private long windowBytes;
        private long droppedEvents; // since the last warning
        private long droppedBytes;
        private long droppedInAll;
        private boolean warned;
        private long warnedNanos;
        private boolean warningScheduled;

        DataPacing(AbstractIpSocket socket) {
            this.socket = socket;
            this.windowNanos = System.nanoTime();
        }

        /** Adds the bytes of one arrival to the batch (a copy the batch may keep). */
        void add(byte[] data) {
            if (length > 0 && length + data.length > MAX_BATCH_BYTES) {
                postData(false);
            }
            if (length == 0) {
                bytes = data;
            } else {
                if (bytes.length < length + data.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(length + data.length,
                            Math.min(MAX_BATCH_BYTES, 2 * bytes.length)));
                }
                System.arraycopy(data, 0, bytes, length, data.length);
            }
            length += data.length;
            gathered();
        }

        /** Notes a signal gathered into the batch and makes sure the batch will be posted. */
        void gathered() {
            state = socket.getState();
            if (scheduled) {
                return;
            }
            scheduled = true;
            long wait = posted ? postedNanos + BATCH_INTERVAL_NANOS - System.nanoTime() : 0;
            if (wait <= 0) {
                socket.loop().execute(this); // the end of this loop turn
            } else {
                socket.loop().schedule(TimeUnit.NANOSECONDS.toMillis(wait + 999_999), this);
            }
        }

        @Override
        public void run() {
            scheduled = false;
            flush();
        }

        /** Posts the batch now: its bytes, then READY_READ, then LINE_AVAILABLE_FOR_READ. */
        void flush() {
            if (length == 0 && !readyRead && !lineAvailable) {
                return;
            }
            postData(false);
            if (readyRead) {
                readyRead = false;
                postCommon(Signal.READY_READ);
            }
            if (lineAvailable) {
                lineAvailable = false;
                postCommon(Signal.LINE_AVAILABLE_FOR_READ);
            }
            posted = true;
            postedNanos = System.nanoTime();
        }

        /**
         * Posts the batch's bytes as one {@code DATA_RECEIVED}, if it has any.
         *
         * @param datagram {@code true} for a datagram's bytes, which count against the per-second
         *        bounds; a stream's bytes do not (TCP's own backpressure bounds them)
         */
        void postData(boolean datagram) {
            if (length == 0) {
                return;
            }
            byte[] data = length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
            bytes = null;
            length = 0;
            if (!datagram || admit(data.length)) {
                Map<String, Object> properties = common(socket, state);
                properties.put(SocketEvents.DATA, data);
                post(Signal.DATA_RECEIVED, properties);
            }
        }

        private void postCommon(Signal signal) {
            post(signal, common(socket, state));
        }

        /**
         * Counts one datagram event ({@code DATAGRAM_RECEIVED}, or a datagram's
         * {@code DATA_RECEIVED}) against this second's bounds.
         *
         * @param size the payload bytes it carries
         * @return {@code true} to post it; {@code false} when it is dropped (and counted)
         */
        boolean admit(long size) {
            long now = System.nanoTime();
            if (now - windowNanos >= SECOND_NANOS) {
                windowNanos = now;
                windowEvents = 0;
                windowBytes = 0;
            }
            if (windowEvents < DATA_EVENTS_PER_SECOND && windowBytes + size <= DATA_BYTES_PER_SECOND) {
                windowEvents++;
                windowBytes += size;
                return true;
            }
            droppedEvents++;
            droppedBytes += size;
            droppedInAll++;
            if (!warned || now - warnedNanos >= WARNING_INTERVAL_NANOS) {
                warn();
            } else if (!warningScheduled) {
                warningScheduled = true;
                socket.loop().schedule(TimeUnit.NANOSECONDS.toMillis(warnedNanos + WARNING_INTERVAL_NANOS - now
                        + 999_999), this::warn);
            }
            return false;
        }

        /** Posts the warning about the events dropped since the previous one, if there are any. */
        private void warn() {
            warningScheduled = false;
            if (droppedEvents == 0) {
                return;
            }
            String text = "Socket '" + socket.getObjectId() + "' receives more than " + DATA_EVENTS_PER_SECOND
                    + " datagram events or " + DATA_BYTES_PER_SECOND + " bytes of datagram events a second: "
                    + droppedEvents + " events (" + droppedBytes + " bytes) dropped since the last warning ("
                    + droppedInAll + " in all); the socket's own buffers are not affected";
            droppedEvents = 0;
            droppedBytes = 0;
            warned = true;
            warnedNanos = System.nanoTime();
            if (wants(Signal.ERROR_OCCURRED)) {
                Map<String, Object> properties = common(socket, socket.getState());
                putError(properties, SocketError.TEMPORARY_ERROR, text);
                post(Signal.ERROR_OCCURRED, properties);
            }
        }
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

    /**
     * Returns the properties every event of a socket carries, and its {@code parent} when it has
     * one (an accepted connection: its server), in a new modifiable map.
     */
    private static Map<String, Object> common(IpSocket socket, SocketState state) {
        Map<String, Object> properties = common(socket.getObjectId(), state, socket.getHostname(), socket.getPort());
        String parent = socket.getParent();
        if (!parent.isEmpty()) {
            properties.put(SocketEvents.PARENT, parent);
        }
        return properties;
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
