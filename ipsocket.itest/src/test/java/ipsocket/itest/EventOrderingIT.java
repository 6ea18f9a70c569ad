package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;

/**
 * Proves the outbound EventAdmin contract (CONTRACT.md §3) on real connections: events of one
 * socket arrive in the order they happened (STATE_CHANGED HostLookup, Connecting, Connected,
 * then CONNECTED; Closing, Disconnected, then DISCONNECTED), also with several sockets at once;
 * every event carries objectId, state, hostname and port with their types; DATA_RECEIVED is
 * posted only with publishData (switchable live) and carries the bytes; DATAGRAM_RECEIVED
 * carries data, sender and destination.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EventOrderingIT extends SocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    private static List<String> connectionSequence(List<Event> events, String prefix) {
        List<String> sequence = new ArrayList<>();
        for (Event event : events) {
            String topic = event.getTopic();
            if (topic.equals(prefix + SocketEvents.STATE_CHANGED)) {
                sequence.add(SocketEvents.STATE_CHANGED + ":" + event.getProperty(SocketEvents.STATE));
            } else if (topic.equals(prefix + SocketEvents.CONNECTED) || topic.equals(prefix + SocketEvents.DISCONNECTED)) {
                sequence.add(topic.substring(prefix.length()));
            }
        }
        return sequence;
    }

    private static void assertBaseProperties(List<Event> events, String id) {
        for (Event event : events) {
            String what = event.getTopic() + " of " + id;
            assertEquals(what, id, event.getProperty(SocketEvents.OBJECT_ID));
            assertTrue(what + " state", event.getProperty(SocketEvents.STATE) instanceof String);
            assertTrue(what + " state is a seed name: " + event.getProperty(SocketEvents.STATE),
                    isStateName(event.getProperty(SocketEvents.STATE)));
            assertEquals(what + " hostname", LOOPBACK, event.getProperty(SocketEvents.HOSTNAME));
            assertTrue(what + " port", event.getProperty(SocketEvents.PORT) instanceof Integer);
        }
    }

    private static boolean isStateName(Object name) {
        for (SocketState state : SocketState.values()) {
            if (state.seedName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Five sockets connect and close at once; each one's events come in order. */
    @Test
    public void tcpConnectAndCloseSequencePerSocket() throws Exception {
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        List<org.osgi.service.cm.Configuration> configurations = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            configurations.add(createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("order-" + i, peer.port())));
        }
        for (int i = 0; i < 5; i++) {
            events.awaitEvent(on(SocketEvents.TCP_CONNECTED, "order-" + i), TIMEOUT);
        }
        for (org.osgi.service.cm.Configuration configuration : configurations) {
            deleteConfiguration(configuration);
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "order-" + i;
            events.awaitEvent(stateChanged(SocketEvents.TCP_STATE_CHANGED, id, "Disconnected"), TIMEOUT);
            awaitNoService(TcpSocket.class, "(objectId=" + id + ")");
            try {
                // posted right after STATE_CHANGED Disconnected; the deadline only allows for a slow machine
                events.awaitEvent(on(SocketEvents.TCP_DISCONNECTED, id), Duration.ofSeconds(10));
            } catch (AssertionError missing) {
                problems.add(id + ": no DISCONNECTED event after STATE_CHANGED Disconnected");
            }
        }
        peer.await(() -> peer.endOfStreamCount() == 5, TIMEOUT, "five graceful closes");

        List<String> expected = List.of("STATE_CHANGED:HostLookup", "STATE_CHANGED:Connecting",
                "STATE_CHANGED:Connected", "CONNECTED", "STATE_CHANGED:Closing", "STATE_CHANGED:Disconnected",
                "DISCONNECTED");
        for (int i = 0; i < 5; i++) {
            String id = "order-" + i;
            List<Event> mine = eventsOf(events, id);
            assertBaseProperties(mine, id);
            List<String> sequence = connectionSequence(mine, SocketEvents.TCP_TOPIC_PREFIX);
            if (!expected.equals(sequence)) {
                problems.add(id + ": " + sequence);
            }
        }
        assertTrue("event order differs from " + expected + ":\n" + String.join("\n", problems), problems.isEmpty());
    }

    /**
     * Sockets whose configurations exist when the implementation starts (a gateway restarting
     * with its configuration files) publish from their very first event: the event bridge is
     * bound before any socket starts connecting. Ten sockets, each must show its whole connect
     * sequence.
     */
    @Test
    public void socketsConfiguredBeforeTheBundleStartsPublishTheirFirstEvents() throws Exception {
        TcpPeer peer = tcpPeer();
        org.osgi.framework.Bundle impl = implBundle();
        EventRecorder early = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        impl.stop();
        try {
            for (int i = 0; i < 10; i++) {
                createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("early-" + i, peer.port()));
            }
        } finally {
            impl.start();
        }
        List<String> expected = List.of("STATE_CHANGED:HostLookup", "STATE_CHANGED:Connecting",
                "STATE_CHANGED:Connected", "CONNECTED");
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "early-" + i;
            early.awaitEvent(on(SocketEvents.TCP_CONNECTED, id), TIMEOUT);
            List<String> sequence = connectionSequence(eventsOf(early, id), SocketEvents.TCP_TOPIC_PREFIX);
            if (!expected.equals(sequence)) {
                problems.add(id + ": " + sequence);
            }
        }
        assertTrue("first events lost or out of order, expected " + expected + ":\n" + String.join("\n", problems),
                problems.isEmpty());
    }

    /** Deleting a configuration always ends in DISCONNECTED, after STATE_CHANGED Disconnected: 20 TCP and 20 UDP sockets. */
    @Test
    public void everyDeletePostsDisconnected() throws Exception {
        TcpPeer tcpPeer = tcpPeer();
        UdpPeer udpPeer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.ALL_TOPICS);
        List<org.osgi.service.cm.Configuration> configurations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            configurations.add(createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("delete-tcp-" + i, tcpPeer.port())));
            configurations.add(createFactoryConfiguration(SocketPids.UDP_SOCKET, endpoint("delete-udp-" + i, udpPeer.port())));
        }
        for (int i = 0; i < 20; i++) {
            events.awaitEvent(on(SocketEvents.TCP_CONNECTED, "delete-tcp-" + i), TIMEOUT);
            events.awaitEvent(on(SocketEvents.UDP_CONNECTED, "delete-udp-" + i), TIMEOUT);
        }
        for (org.osgi.service.cm.Configuration configuration : configurations) {
            deleteConfiguration(configuration);
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (String prefix : List.of(SocketEvents.TCP_TOPIC_PREFIX, SocketEvents.UDP_TOPIC_PREFIX)) {
                String id = (prefix.equals(SocketEvents.TCP_TOPIC_PREFIX) ? "delete-tcp-" : "delete-udp-") + i;
                events.awaitEvent(stateChanged(prefix + SocketEvents.STATE_CHANGED, id, "Disconnected"), TIMEOUT);
                awaitNoService(ipsocket.api.IoDevice.class, "(objectId=" + id + ")");
                if (events.events().stream().noneMatch(on(prefix + SocketEvents.DISCONNECTED, id))) {
                    try {
                        events.awaitEvent(on(prefix + SocketEvents.DISCONNECTED, id), Duration.ofSeconds(5));
                    } catch (AssertionError notPosted) {
                        missing.add(id);
                    }
                }
            }
        }
        assertTrue(missing.size() + " of 40 deleted sockets posted STATE_CHANGED Disconnected but no DISCONNECTED: "
                + missing, missing.isEmpty());
    }

    /** DATA_RECEIVED only with publishData, with the bytes; switching publishData on live needs no reconnect. */
    @Test
    public void dataReceivedOnlyWithPublishData() throws Exception {
        TcpPeer publishing = tcpPeer();
        TcpPeer quiet = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        Map<String, Object> publishingConfiguration = endpoint("data-on", publishing.port());
        publishingConfiguration.put(SocketConfig.PUBLISH_DATA, true);
        createFactoryConfiguration(SocketPids.TCP_SOCKET, publishingConfiguration);
        Map<String, Object> quietConfiguration = endpoint("data-off", quiet.port());
        org.osgi.service.cm.Configuration quietConfig = createFactoryConfiguration(SocketPids.TCP_SOCKET, quietConfiguration);
        TcpPeer.Connection toPublishing = publishing.awaitConnection(0, TIMEOUT);
        TcpPeer.Connection toQuiet = quiet.awaitConnection(0, TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, "data-on"), TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, "data-off"), TIMEOUT);

        String payload = "measurement 1: 42.0\n";
        publishing.send(toPublishing, payload);
        quiet.send(toQuiet, payload);
        assertEquals(payload, awaitPublishedData(events, "data-on", payload.length()));
        events.awaitEvent(on(SocketEvents.TCP_READY_READ, "data-off"), TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_LINE_AVAILABLE_FOR_READ, "data-off"), TIMEOUT);
        List<Event> quietData = eventsOf(events, "data-off").stream()
                .filter(e -> e.getTopic().equals(SocketEvents.TCP_DATA_RECEIVED)).collect(Collectors.toList());
        assertTrue("DATA_RECEIVED without publishData:" + describe(quietData), quietData.isEmpty());
        assertBaseProperties(eventsOf(events, "data-on"), "data-on");
        // The bytes stay readable from the socket as well.
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=data-on)", TIMEOUT);
        assertEquals("measurement 1: 42.0", socket.readLine());

        // publishData switched on live: no reconnect, and the next bytes are published.
        quietConfiguration.put(SocketConfig.PUBLISH_DATA, "true");
        updateConfiguration(quietConfig, quietConfiguration);
        events.awaitEvent(on(SocketEvents.TCP_PROPERTY_CHANGED, "data-off")
                .and(e -> SocketConfig.PUBLISH_DATA.equals(e.getProperty(SocketEvents.PROPERTY))), TIMEOUT);
        quiet.send(toQuiet, "now published");
        assertEquals("now published", awaitPublishedData(events, "data-off", "now published".length()));
        assertEquals(1, quiet.connectionCount());
        assertTrue(quiet.isOpen(toQuiet));
    }

    /** Collects the bytes of a socket's DATA_RECEIVED events until there are {@code length} of them. */
    private static String awaitPublishedData(EventRecorder events, String id, int length) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Event> seen = new ArrayList<>();
        events.awaitEvent(event -> {
            if (on(SocketEvents.TCP_DATA_RECEIVED, id).test(event) && !seen.contains(event)) {
                seen.add(event);
                bytes.writeBytes((byte[]) event.getProperty(SocketEvents.DATA));
            }
            return bytes.size() >= length;
        }, TIMEOUT);
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A bound UDP socket posts DATAGRAM_RECEIVED with data, sender and destination, then READY_READ. */
    @Test
    public void datagramReceivedCarriesAddresses() throws Exception {
        String id = "order-udp-bound";
        UdpPeer peer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.UDP_ALL_TOPICS);
        createFactoryConfiguration(SocketPids.UDP_SOCKET, props(SocketConfig.OBJECT_ID, id,
                SocketConfig.LOCAL_ADDRESS, LOOPBACK));
        UdpSocket socket = awaitService(UdpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        events.awaitEvent(stateChanged(SocketEvents.UDP_STATE_CHANGED, id, "Bound"), TIMEOUT);
        int localPort = socket.getLocalPort();
        assertTrue("bound to a port: " + localPort, localPort > 0);

        peer.send(localPort, "datagram payload");
        Event datagram = events.awaitEvent(on(SocketEvents.UDP_DATAGRAM_RECEIVED, id), TIMEOUT);
        assertEquals("datagram payload", dataText(datagram));
        assertEquals(LOOPBACK, datagram.getProperty(SocketEvents.SENDER_ADDRESS));
        assertEquals(peer.port(), datagram.getProperty(SocketEvents.SENDER_PORT));
        assertEquals(LOOPBACK, datagram.getProperty(SocketEvents.DESTINATION_ADDRESS));
        assertEquals(localPort, datagram.getProperty(SocketEvents.DESTINATION_PORT));
        assertEquals(SocketState.BOUND.seedName(), datagram.getProperty(SocketEvents.STATE));
        assertEquals(id, datagram.getProperty(SocketEvents.OBJECT_ID));
        assertTrue(datagram.getProperty(SocketEvents.PORT) instanceof Integer);
        assertTrue(datagram.getProperty(SocketEvents.HOSTNAME) instanceof String);

        Event readyRead = events.awaitEvent(on(SocketEvents.UDP_READY_READ, id), TIMEOUT);
        List<Event> mine = eventsOf(events, id);
        assertTrue("DATAGRAM_RECEIVED before READY_READ", mine.indexOf(datagram) < mine.indexOf(readyRead));
        assertEquals("datagram payload", new String(socket.readAll(), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A UDP socket with a peer goes HostLookup, Connecting, Connected, then CONNECTED. */
    @Test
    public void udpVirtualConnectionSequence() throws Exception {
        String id = "order-udp-connected";
        UdpPeer peer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.UDP_ALL_TOPICS);
        createFactoryConfiguration(SocketPids.UDP_SOCKET, endpoint(id, peer.port()));
        events.awaitEvent(on(SocketEvents.UDP_CONNECTED, id), TIMEOUT);
        List<Event> mine = eventsOf(events, id);
        assertBaseProperties(mine, id);
        assertEquals(List.of("STATE_CHANGED:HostLookup", "STATE_CHANGED:Connecting", "STATE_CHANGED:Connected",
                "CONNECTED"), connectionSequence(mine, SocketEvents.UDP_TOPIC_PREFIX));
    }
}
