package ipsocket.impl.osgi;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.UdpPeer;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * The publisher against real loopback sockets (a real event loop, a real server socket, a real
 * datagram peer), posting to a recording EventAdmin: every signal becomes one event on the
 * kind's topic, in the order of the signals, with the properties of CONTRACT.md §3; and no
 * event is built for a topic nobody subscribes to.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketEventPublisherTest {

    private static final Set<String> COMMON = Set.of(SocketEvents.OBJECT_ID, SocketEvents.STATE,
            SocketEvents.HOSTNAME, SocketEvents.PORT, EventConstants.EVENT_TOPIC);

    private static final Pattern DROPPED_DATAGRAMS = Pattern.compile("(\\d+) datagrams dropped since the last");
    private static final Pattern DROPPED_EVENTS = Pattern.compile("(\\d+) events \\(\\d+ bytes\\) dropped since");

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();
    private final RecordingEventAdmin eventAdmin = new RecordingEventAdmin();

    @Test
    void tcpConnectDataAndDisconnectAreEventsWithTheirProperties() {
        TestServer server = closeAfterTest(TestServer.start(TestServer.Mode.IDLE));
        TcpSocketImpl socket = tcpSocket("tcp-events");
        SocketProbe mirror = new SocketProbe(); // hears each signal just before the publisher
        socket.addListener(mirror);
        attach(socket, SocketEvents.TCP_TOPIC_PREFIX, subscribedTo(SocketEvents.ALL_TOPICS));
        configure(socket);

        socket.connectToHost(server.host(), server.port());
        Event connected = eventAdmin.await(SocketEvents.TCP_CONNECTED, event -> true);
        assertCommon(connected, "tcp-events", "Connected", server.host(), server.port());
        assertEquals(COMMON, names(connected));
        List<String> states = eventAdmin.values(SocketEvents.TCP_STATE_CHANGED, SocketEvents.STATE);
        assertEquals("Connected", states.get(states.size() - 1), "STATE_CHANGED carries the new state");
        assertTrue(eventAdmin.indexOf(SocketEvents.TCP_STATE_CHANGED, "Connected")
                < eventAdmin.topics().indexOf(SocketEvents.TCP_CONNECTED), "Connected state before CONNECTED");
        Event hostname = eventAdmin.await(SocketEvents.TCP_PROPERTY_CHANGED,
                event -> SocketConfig.HOSTNAME.equals(event.getProperty(SocketEvents.PROPERTY)));
        assertEquals(server.host(), hostname.getProperty(SocketEvents.VALUE));
        assertEquals(union(COMMON, SocketEvents.PROPERTY, SocketEvents.VALUE), names(hostname));

        TestServer.Connection peer = server.awaitConnection(WAIT);
        peer.send("hello\n");
        Event line = eventAdmin.await(SocketEvents.TCP_LINE_AVAILABLE_FOR_READ, event -> true);
        assertCommon(line, "tcp-events", "Connected", server.host(), server.port());
        assertCommon(eventAdmin.await(SocketEvents.TCP_READY_READ, event -> true), "tcp-events", "Connected",
                server.host(), server.port());
        Await.until(() -> "hello\n".equals(eventAdmin.dataText(SocketEvents.TCP_DATA_RECEIVED)), WAIT,
                () -> "DATA_RECEIVED with the bytes; events: " + eventAdmin.topics());
        Event data = eventAdmin.await(SocketEvents.TCP_DATA_RECEIVED, event -> true);
        assertEquals(union(COMMON, SocketEvents.DATA), names(data));
        assertTrue(eventAdmin.topics().indexOf(SocketEvents.TCP_DATA_RECEIVED)
                < eventAdmin.topics().indexOf(SocketEvents.TCP_READY_READ), "the bytes are published before READY_READ");

        peer.close();
        Event disconnected = eventAdmin.await(SocketEvents.TCP_DISCONNECTED, event -> true);
        assertCommon(disconnected, "tcp-events", "Disconnected", server.host(), server.port());
        Event closed = eventAdmin.await(SocketEvents.TCP_ERROR_OCCURRED, event -> true);
        assertEquals(SocketError.REMOTE_HOST_CLOSED_ERROR.seedName(), closed.getProperty(SocketEvents.ERROR));
        assertEquals(SocketError.REMOTE_HOST_CLOSED_ERROR.value(), closed.getProperty(SocketEvents.ERROR_CODE));
        assertTrue(((String) closed.getProperty(SocketEvents.ERROR_STRING)).contains("tcp-events"));
        assertEquals(union(COMMON, SocketEvents.ERROR, SocketEvents.ERROR_CODE, SocketEvents.ERROR_STRING),
                names(closed));

        assertSameOrder(mirror, SocketEvents.TCP_TOPIC_PREFIX);
        assertFalse(eventAdmin.topics().stream().anyMatch(topic -> !topic.startsWith(SocketEvents.TCP_TOPIC_PREFIX)));
    }

    @Test
    void tcpConnectionRefusedIsAnErrorEvent() {
        int port = TestServer.freePort();
        TcpSocketImpl socket = tcpSocket("tcp-refused");
        attach(socket, SocketEvents.TCP_TOPIC_PREFIX, subscribedTo(SocketEvents.TCP_TOPIC_PREFIX + "*"));
        configure(socket);

        socket.connectToHost("127.0.0.1", port);
        Event error = eventAdmin.await(SocketEvents.TCP_ERROR_OCCURRED, event -> true);
        // Qt's order (issue 13), as the listener calls: stateChanged(Disconnected), then the error
        List<String> ends = eventAdmin.events().stream()
                .filter(event -> event.getTopic().equals(SocketEvents.TCP_ERROR_OCCURRED)
                        || "Disconnected".equals(event.getProperty(SocketEvents.STATE))
                                && event.getTopic().equals(SocketEvents.TCP_STATE_CHANGED))
                .map(Event::getTopic).toList();
        assertEquals(List.of(SocketEvents.TCP_STATE_CHANGED, SocketEvents.TCP_ERROR_OCCURRED), ends);
        assertEquals("Disconnected", error.getProperty(SocketEvents.STATE), "the error event carries the final state");
        assertEquals("tcp-refused", error.getProperty(SocketEvents.OBJECT_ID));
        assertEquals("127.0.0.1", error.getProperty(SocketEvents.HOSTNAME));
        assertEquals(port, error.getProperty(SocketEvents.PORT));
        assertEquals(SocketError.CONNECTION_REFUSED_ERROR.seedName(), error.getProperty(SocketEvents.ERROR));
        assertEquals(SocketError.CONNECTION_REFUSED_ERROR.value(), error.getProperty(SocketEvents.ERROR_CODE));
        assertFalse(((String) error.getProperty(SocketEvents.ERROR_STRING)).isEmpty());

        Event unknown = SocketEventPublisher.errorEvent(SocketEvents.TCP_TOPIC_PREFIX, "nobody",
                SocketState.DISCONNECTED, "", -1, SocketError.OPERATION_ERROR, "no such socket");
        assertEquals(SocketEvents.TCP_ERROR_OCCURRED, unknown.getTopic());
        assertEquals(names(error), names(unknown), "an error built from parts has a socket's error properties");
        assertEquals("Disconnected", unknown.getProperty(SocketEvents.STATE));
        assertEquals(-1, unknown.getProperty(SocketEvents.PORT));
        assertEquals(SocketError.OPERATION_ERROR.value(), unknown.getProperty(SocketEvents.ERROR_CODE));
    }

    @Test
    void udpDatagramIsAnEventWithSenderAndDestination() {
        UdpPeer peer = closeAfterTest(UdpPeer.bind("127.0.0.1"));
        UdpSocketImpl socket = fixture.disposeAfterTest(new UdpSocketImpl(fixture.loops(), "udp-events"));
        SocketProbe mirror = new SocketProbe(); // hears each signal just before the publisher
        socket.addListener(mirror);
        attach(socket, SocketEvents.UDP_TOPIC_PREFIX, subscribedTo(SocketEvents.UDP_ALL_TOPICS));
        configure(socket, Map.of(SocketConfig.AUTO_CONNECT, false, SocketConfig.PUBLISH_DATA, true,
                SocketConfig.LOCAL_ADDRESS, "127.0.0.1", SocketConfig.LOCAL_PORT, 0));

        assertTrue(socket.bind());
        eventAdmin.await(SocketEvents.UDP_STATE_CHANGED, event -> "Bound".equals(event.getProperty(SocketEvents.STATE)));
        int localPort = socket.getLocalPort();
        peer.send("ping\n", "127.0.0.1", localPort);

        Event datagram = eventAdmin.await(SocketEvents.UDP_DATAGRAM_RECEIVED, event -> true);
        assertEquals("udp-events", datagram.getProperty(SocketEvents.OBJECT_ID));
        assertEquals("Bound", datagram.getProperty(SocketEvents.STATE));
        assertArrayEquals("ping\n".getBytes(StandardCharsets.UTF_8), (byte[]) datagram.getProperty(SocketEvents.DATA));
        assertEquals("127.0.0.1", datagram.getProperty(SocketEvents.SENDER_ADDRESS));
        assertEquals(peer.port(), datagram.getProperty(SocketEvents.SENDER_PORT));
        assertEquals("127.0.0.1", datagram.getProperty(SocketEvents.DESTINATION_ADDRESS));
        assertEquals(localPort, datagram.getProperty(SocketEvents.DESTINATION_PORT));
        assertEquals(union(COMMON, SocketEvents.DATA, SocketEvents.SENDER_ADDRESS, SocketEvents.SENDER_PORT,
                SocketEvents.DESTINATION_ADDRESS, SocketEvents.DESTINATION_PORT), names(datagram));
        eventAdmin.await(SocketEvents.UDP_LINE_AVAILABLE_FOR_READ, event -> true);
        Event data = eventAdmin.await(SocketEvents.UDP_DATA_RECEIVED, event -> true);
        assertArrayEquals("ping\n".getBytes(StandardCharsets.UTF_8), (byte[]) data.getProperty(SocketEvents.DATA));

        assertFalse(eventAdmin.values(SocketEvents.UDP_PROPERTY_CHANGED, SocketEvents.PROPERTY).contains("currentDatagram"),
                "DATAGRAM_RECEIVED carries the datagram, no PROPERTY_CHANGED for it");
        assertSameOrder(mirror, SocketEvents.UDP_TOPIC_PREFIX);
    }

    @Test
    void nothingIsBuiltForTopicsNobodySubscribesTo() {
        TestServer server = closeAfterTest(TestServer.start(TestServer.Mode.IDLE));
        TcpSocketImpl socket = tcpSocket("tcp-quiet");
        Subscriptions subscriptions = subscribedTo(SocketEvents.TCP_CONNECTED);
        SocketEventPublisher publisher = attach(socket, SocketEvents.TCP_TOPIC_PREFIX, subscriptions);
        SocketProbe probe = new SocketProbe(); // after the publisher: what it sees, the publisher saw
        socket.addListener(probe);
        configure(socket);

        socket.connectToHost(server.host(), server.port());
        probe.awaitConnected(WAIT);
        TestServer.Connection peer = server.awaitConnection(WAIT);
        peer.send("quiet\n");
        probe.await(() -> probe.lineAvailableCount() > 0, WAIT, "the line arrived");
        peer.close();
        probe.awaitDisconnected(WAIT);
        assertEquals(1, probe.errorCount(SocketError.REMOTE_HOST_CLOSED_ERROR), probe::describe);

        assertEquals(List.of(SocketEvents.TCP_CONNECTED), eventAdmin.topics(), "only the subscribed topic");
        assertFalse(publisher.wantsData(), "no copy of arrivals without a DATA_RECEIVED subscriber");
        subscriptions.put(new Object(), new String[] {SocketEvents.TCP_DATA_RECEIVED});
        assertTrue(publisher.wantsData());
    }

    @Test
    void aFloodedUdpSocketNobodyReadsPostsAnEventForEveryArrivalAndKeepsTheNewest() {
        UdpPeer peer = closeAfterTest(UdpPeer.bind("127.0.0.1"));
        UdpSocketImpl socket = fixture.disposeAfterTest(new UdpSocketImpl(fixture.loops(), "udp-flood"));
        attach(socket, SocketEvents.UDP_TOPIC_PREFIX, subscribedTo(SocketEvents.UDP_ALL_TOPICS));
        configure(socket, Map.of(SocketConfig.AUTO_CONNECT, false, SocketConfig.PUBLISH_DATA, true,
                SocketConfig.LOCAL_ADDRESS, "127.0.0.1", SocketConfig.LOCAL_PORT, 0));
        socket.setReceiveQueueLimit(8);
        assertTrue(socket.bind());
        eventAdmin.await(SocketEvents.UDP_STATE_CHANGED, event -> "Bound".equals(event.getProperty(SocketEvents.STATE)));
        int port = socket.getLocalPort();

        // Nobody reads the socket: every arrival is queued and makes its events, the oldest unread
        // are dropped to make room. 100 datagrams of 13 B fit in the OS's default receive buffer
        // even if the loop were stalled, so every one reaches the socket; their 200 data events
        // stay far below the publisher's caps (1,000 and 4 MiB per second).
        int sent = 100;
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            payloads.add(String.format("datagram %04d", i));
            peer.send(payloads.get(i), "127.0.0.1", port);
        }
        Await.until(() -> socket.getBytesReceived() == 13L * sent, WAIT, () -> "every datagram reached the socket");
        Await.until(() -> reportedDrops(SocketEvents.UDP_ERROR_OCCURRED) == sent - 8, WAIT,
                () -> "every drop reported by a warning: " + eventAdmin.values(SocketEvents.UDP_ERROR_OCCURRED,
                        SocketEvents.ERROR_STRING));
        assertEquals(8, socket.getPendingDatagramCount());
        assertEquals(sent - 8, socket.getDroppedDatagramCount());

        Await.until(() -> eventAdmin.count(SocketEvents.UDP_DATAGRAM_RECEIVED) == sent
                && eventAdmin.count(SocketEvents.UDP_DATA_RECEIVED) == sent, WAIT,
                () -> "an event for every arrival: " + eventAdmin.count(SocketEvents.UDP_DATAGRAM_RECEIVED));
        assertEquals(payloads, eventAdmin.values(SocketEvents.UDP_DATAGRAM_RECEIVED, DATA_TEXT),
                "one DATAGRAM_RECEIVED per arrival, exactly the payloads sent, in order");
        assertEquals(payloads, eventAdmin.values(SocketEvents.UDP_DATA_RECEIVED, DATA_TEXT),
                "one DATA_RECEIVED per arrival, exactly the payloads sent, in order");
        assertEquals(0, reportedDroppedEvents(SocketEvents.UDP_ERROR_OCCURRED), "no event dropped below the caps");
        long readyReads = eventAdmin.count(SocketEvents.UDP_READY_READ);
        assertTrue(readyReads >= 1 && readyReads <= sent, () -> String.valueOf(eventAdmin.topics()));
        long warnings = eventAdmin.count(SocketEvents.UDP_ERROR_OCCURRED);
        assertTrue(warnings >= 1 && warnings < sent - 8, () -> warnings + " warnings for " + (sent - 8) + " drops");
        List<String> kept = new ArrayList<>();
        for (UdpDatagram next = socket.readDatagram(); next != null; next = socket.readDatagram()) {
            kept.add(next.getPayloadText());
        }
        // loopback keeps the order: the newest are kept, the last 8 sent
        assertEquals(payloads.subList(sent - 8, sent), kept);
    }

    @Test
    void aTrickleOfSingleBytesIsCoalescedIntoFewEventsWithExactlyTheBytesSent() {
        TestServer server = closeAfterTest(TestServer.start(TestServer.Mode.IDLE));
        TcpSocketImpl socket = tcpSocket("tcp-trickle");
        attach(socket, SocketEvents.TCP_TOPIC_PREFIX, subscribedTo(SocketEvents.ALL_TOPICS));
        configure(socket);
        socket.connectToHost(server.host(), server.port());
        eventAdmin.await(SocketEvents.TCP_CONNECTED, event -> true);
        TestServer.Connection peer = server.awaitConnection(WAIT);

        byte[] sent = new byte[2_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) ('a' + i % 26);
        }
        peer.sendByteByByte(sent);
        String expected = new String(sent, StandardCharsets.UTF_8);
        Await.until(() -> expected.length() <= eventAdmin.dataText(SocketEvents.TCP_DATA_RECEIVED).length(), WAIT,
                () -> "all bytes in DATA_RECEIVED events: " + eventAdmin.dataText(SocketEvents.TCP_DATA_RECEIVED).length());
        assertEquals(expected, eventAdmin.dataText(SocketEvents.TCP_DATA_RECEIVED), "exactly the bytes sent, in order");

        // the rule: one batch (one DATA_RECEIVED, one READY_READ) at most every BATCH_INTERVAL
        List<Long> times = eventAdmin.times(SocketEvents.TCP_DATA_RECEIVED);
        long span = times.get(times.size() - 1) - times.get(0);
        long bound = 1 + span / SocketEventPublisher.BATCH_INTERVAL_NANOS + 1;
        assertTrue(times.size() <= bound, () -> times.size() + " DATA_RECEIVED events over " + span + " ns");
        assertTrue(eventAdmin.count(SocketEvents.TCP_READY_READ) <= bound, () -> String.valueOf(eventAdmin.topics()));
        assertTrue(times.size() * 4 <= sent.length, () -> times.size() + " events for " + sent.length + " bytes");
        Await.until(() -> socket.getBytesAvailable() == sent.length, WAIT, () -> "bytes buffered");
        assertEquals(expected, new String(socket.readAll(), StandardCharsets.UTF_8), "the socket's own bytes untouched");
    }

    @Test
    void datagramEventsBeyondThePerSecondBoundAreDroppedCountedAndReported() {
        UdpSocketImpl socket = fixture.disposeAfterTest(new UdpSocketImpl(fixture.loops(), "udp-burst"));
        Subscriptions subscriptions = subscribedTo(SocketEvents.UDP_DATAGRAM_RECEIVED);
        subscriptions.put(new Object(), new String[] {SocketEvents.UDP_ERROR_OCCURRED});
        SocketEventPublisher publisher = attach(socket, SocketEvents.UDP_TOPIC_PREFIX, subscriptions);

        int burst = 3 * SocketEventPublisher.DATA_EVENTS_PER_SECOND; // offered in one loop task
        long[] span = new long[1];
        socket.loop().execute(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < burst; i++) {
                publisher.datagramReceived(socket, UdpDatagram.of(new byte[] {(byte) i}));
            }
            span[0] = System.nanoTime() - start;
        });
        Await.until(() -> eventAdmin.count(SocketEvents.UDP_DATAGRAM_RECEIVED)
                + reportedDroppedEvents(SocketEvents.UDP_ERROR_OCCURRED) == burst, WAIT,
                () -> "every datagram posted or reported dropped: " + eventAdmin.count(SocketEvents.UDP_DATAGRAM_RECEIVED));
        long windows = 1 + span[0] / TimeUnit.SECONDS.toNanos(1);
        assertTrue(eventAdmin.count(SocketEvents.UDP_DATAGRAM_RECEIVED)
                <= windows * SocketEventPublisher.DATA_EVENTS_PER_SECOND, () -> String.valueOf(eventAdmin.topics()));
        Event warning = eventAdmin.await(SocketEvents.UDP_ERROR_OCCURRED, event -> true);
        assertEquals(SocketError.TEMPORARY_ERROR.seedName(), warning.getProperty(SocketEvents.ERROR));
        assertTrue(((String) warning.getProperty(SocketEvents.ERROR_STRING)).contains("udp-burst"));
        assertEquals(SocketError.NO_ERROR, socket.getError(), "the warning is an event, the socket's error is untouched");
    }

    /** The sum of the drops the warnings on a topic report ("n datagrams dropped since ..."). */
    private long reportedDrops(String topic) {
        return sumOf(topic, DROPPED_DATAGRAMS);
    }

    /** The sum of the dropped events the warnings on a topic report ("n events (...) dropped since ..."). */
    private long reportedDroppedEvents(String topic) {
        return sumOf(topic, DROPPED_EVENTS);
    }

    private long sumOf(String topic, Pattern pattern) {
        long sum = 0;
        for (String text : eventAdmin.values(topic, SocketEvents.ERROR_STRING)) {
            Matcher matcher = pattern.matcher(text);
            if (matcher.find()) {
                sum += Long.parseLong(matcher.group(1));
            }
        }
        return sum;
    }

    // ---- fixture ----------------------------------------------------------------------------

    private <T extends AutoCloseable> T closeAfterTest(T closeable) {
        return fixture.closeAfterTest(closeable);
    }

    /** A socket named exactly {@code objectId}, its autoConnect left on until {@link #configure}. */
    private TcpSocketImpl tcpSocket(String objectId) {
        return fixture.disposeAfterTest(new TcpSocketImpl(fixture.loops(), objectId));
    }

    /**
     * Applies autoConnect off and publishData on, after the listeners are added (as the runtime
     * adds the publisher before the configuration): the change is made on the loop, later.
     */
    private static void configure(TcpSocketImpl socket) {
        configure(socket, Map.of(SocketConfig.AUTO_CONNECT, false, SocketConfig.PUBLISH_DATA, true));
    }

    private SocketEventPublisher attach(AbstractIpSocket socket, String topicPrefix, Subscriptions subscriptions) {
        SocketEventPublisher publisher = new SocketEventPublisher(eventAdmin, topicPrefix, subscriptions::wants);
        socket.addListener(publisher);
        socket.setDataTap(publisher);
        return publisher;
    }

    private static Subscriptions subscribedTo(String pattern) {
        Subscriptions subscriptions = new Subscriptions();
        subscriptions.put(new Object(), new String[] {pattern});
        return subscriptions;
    }

    /**
     * Every signal a probe added just before the publisher heard is one event, in the same order
     * (DATA_RECEIVED, from the data tap, aside).
     */
    private void assertSameOrder(SocketProbe mirror, String topicPrefix) {
        String data = topicPrefix + SocketEvents.DATA_RECEIVED;
        Await.until(() -> expectedTopics(mirror, topicPrefix).size() == eventAdmin.topicsWithout(data).size(), WAIT,
                () -> "as many events as signals: " + mirror.describe() + " / " + eventAdmin.topics());
        assertEquals(expectedTopics(mirror, topicPrefix), eventAdmin.topicsWithout(data),
                "one event per signal, in their order");
    }

    /** The topic each signal a probe heard is published on; bytesWritten and currentDatagram have none. */
    private static List<String> expectedTopics(SocketProbe probe, String topicPrefix) {
        List<String> topics = new ArrayList<>();
        for (SocketProbe.Event signal : probe.events()) {
            String event = switch (signal.kind()) {
                case STATE -> SocketEvents.STATE_CHANGED;
                case ERROR -> SocketEvents.ERROR_OCCURRED;
                case CONNECTED -> SocketEvents.CONNECTED;
                case DISCONNECTED -> SocketEvents.DISCONNECTED;
                case READY_READ -> SocketEvents.READY_READ;
                case LINE_AVAILABLE -> SocketEvents.LINE_AVAILABLE_FOR_READ;
                case DATAGRAM -> SocketEvents.DATAGRAM_RECEIVED;
                case PROPERTY -> "currentDatagram".equals(signal.value()) ? null : SocketEvents.PROPERTY_CHANGED;
                case ENCRYPTED -> SocketEvents.ENCRYPTED;
                case SSL_ERRORS -> SocketEvents.SSL_ERRORS;
                case BYTES_WRITTEN, MODE -> null;
            };
            if (event != null) {
                topics.add(topicPrefix + event);
            }
        }
        return topics;
    }

    private static void assertCommon(Event event, String objectId, String state, String hostname, int port) {
        assertEquals(objectId, event.getProperty(SocketEvents.OBJECT_ID));
        assertEquals(state, event.getProperty(SocketEvents.STATE));
        assertEquals(hostname, event.getProperty(SocketEvents.HOSTNAME));
        assertEquals(port, event.getProperty(SocketEvents.PORT));
    }

    private static Set<String> names(Event event) {
        return new TreeSet<>(List.of(event.getPropertyNames()));
    }

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> all = new TreeSet<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** Asks {@code RecordingEventAdmin.values} for the {@code data} property as UTF-8 text. */
    private static final String DATA_TEXT = "data as text";

    /** An EventAdmin that records every posted event; sending synchronously is a failure. */
    private static final class RecordingEventAdmin implements EventAdmin {
        private final List<Event> events = new ArrayList<>();
        private final List<Long> nanos = new ArrayList<>();

        @Override
        public synchronized void postEvent(Event event) {
            events.add(event);
            nanos.add(System.nanoTime());
        }

        /** When each event on a topic was posted ({@link System#nanoTime()}). */
        synchronized List<Long> times(String topic) {
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).getTopic().equals(topic)) {
                    times.add(nanos.get(i));
                }
            }
            return times;
        }

        long count(String topic) {
            return events().stream().filter(e -> e.getTopic().equals(topic)).count();
        }

        @Override
        public void sendEvent(Event event) {
            fail("the publisher must post (asynchronously, in order), never send: " + event);
        }

        synchronized List<Event> events() {
            return List.copyOf(events);
        }

        List<String> topics() {
            return events().stream().map(Event::getTopic).toList();
        }

        List<String> topicsWithout(String topic) {
            return topics().stream().filter(t -> !t.equals(topic)).toList();
        }

        List<String> values(String topic, String property) {
            return events().stream().filter(e -> e.getTopic().equals(topic))
                    .map(e -> DATA_TEXT.equals(property)
                            ? new String((byte[]) e.getProperty(SocketEvents.DATA), StandardCharsets.UTF_8)
                            : String.valueOf(e.getProperty(property))).toList();
        }

        int indexOf(String topic, String state) {
            List<Event> all = events();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).getTopic().equals(topic) && state.equals(all.get(i).getProperty(SocketEvents.STATE))) {
                    return i;
                }
            }
            return -1;
        }

        String dataText(String topic) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            events().stream().filter(e -> e.getTopic().equals(topic))
                    .forEach(e -> bytes.writeBytes((byte[]) e.getProperty(SocketEvents.DATA)));
            return bytes.toString(StandardCharsets.UTF_8);
        }

        Event await(String topic, Predicate<Event> condition) {
            Event[] found = new Event[1];
            Await.until(() -> {
                for (Event event : events()) {
                    if (event.getTopic().equals(topic) && condition.test(event)) {
                        found[0] = event;
                        return true;
                    }
                }
                return false;
            }, WAIT, () -> "an event on " + topic + "; events: " + topics());
            return found[0];
        }
    }

    /** Applies configuration properties the way the components do: read in osgi, settings to the engine. */
    private static void configure(ipsocket.impl.common.AbstractIpSocket socket, Map<String, ?> properties) {
        ConfigurationReader.Reading reading = ConfigurationReader.read(socket.props().definitions(), properties);
        assertTrue(reading.problems().isEmpty(), () -> "bad test configuration: " + reading.problems());
        socket.applySettings(reading.settings());
    }
}
