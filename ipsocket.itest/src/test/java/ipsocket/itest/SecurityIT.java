package ipsocket.itest;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;

/**
 * Security promises of issue 8 that need the framework (docs/SECURITY.md):
 * <ul>
 * <li>every buffer and queue has a bound with a metatype-documented key: readBufferLimit,
 * writeBufferLimit and maxLineLength on both socket kinds, receiveQueueLimit on UDP sockets,
 * ioThreads on the event loop, each an integer attribute with a description, the
 * implementation's default, and a minimum (and maximum where there is one) that the metatype
 * validation enforces (enforcement by the sockets: ipsocket.reliability's LimitsEnforcedIT);</li>
 * <li>event payloads are copies, never the socket's buffers: a handler that overwrites the
 * {@code data} of a DATA_RECEIVED or DATAGRAM_RECEIVED event changes neither what the socket
 * still has to read nor its current datagram; each event has an array of its own. Handlers of
 * one event do share that event's array (EventAdmin hands the same Event to each), so a
 * handler must treat it as read-only: the test records this;</li>
 * <li>a WRITE event's byte[] is copied when the bridge handles it: changing the array after
 * {@code sendEvent} returns does not change what is sent. With {@code postEvent} the bridge
 * handles the event later, so a poster that changes its array before that races with it.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SecurityIT extends SocketTestSupport {
    private final List<ServiceRegistration<?>> handlers = new CopyOnWriteArrayList<>();

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    /** Unregisters the test's event handlers. */
    @After
    public void unregisterHandlers() {
        for (ServiceRegistration<?> registration : handlers) {
            try {
                registration.unregister();
            } catch (IllegalStateException gone) {
                // already unregistered
            }
        }
        handlers.clear();
    }

    // ---- bounds ---------------------------------------------------------------------------

    /** Each bound has an integer attribute with a description, the default and validated limits. */
    @Test
    public void everyBoundHasAMetatypeDocumentedKey() throws Exception {
        MetaTypeService metaType = awaitService(MetaTypeService.class, null, TIMEOUT);
        for (String pid : new String[] {SocketPids.TCP_SOCKET, SocketPids.UDP_SOCKET}) {
            ObjectClassDefinition ocd = metaType.getMetaTypeInformation(implBundle()).getObjectClassDefinition(pid, null);
            assertNotNull(pid, ocd);
            assertBound(ocd, SocketConfig.READ_BUFFER_LIMIT, "1048576", null);
            assertBound(ocd, SocketConfig.WRITE_BUFFER_LIMIT, "1048576", null);
            assertBound(ocd, SocketConfig.MAX_LINE_LENGTH, "65535", "16777216");
            if (pid.equals(SocketPids.UDP_SOCKET)) {
                assertBound(ocd, SocketConfig.RECEIVE_QUEUE_LIMIT, "1024", "1048576");
            }
        }
        ObjectClassDefinition loop = metaType.getMetaTypeInformation(implBundle())
                .getObjectClassDefinition(SocketPids.EVENT_LOOP, null);
        assertBound(loop, SocketConfig.IO_THREADS, "1", "64");
    }

    private static void assertBound(ObjectClassDefinition ocd, String key, String defaultValue, String max) {
        AttributeDefinition ad = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .filter(candidate -> candidate.getID().equals(key)).findFirst().orElse(null);
        String where = ocd.getID() + " " + key;
        assertNotNull("no attribute " + where, ad);
        assertEquals(where + " is an integer", AttributeDefinition.INTEGER, ad.getType());
        assertNotNull(where + " description", ad.getDescription());
        assertFalse(where + " description", ad.getDescription().isBlank());
        assertArrayEquals(where + " default", new String[] {defaultValue}, ad.getDefaultValue());
        assertEquals(where + " accepts its default", "", ad.validate(defaultValue));
        assertEquals(where + " accepts 1", "", ad.validate("1"));
        assertFalse(where + " refuses 0 (minimum 1)", ad.validate("0").isEmpty());
        assertFalse(where + " refuses -1", ad.validate("-1").isEmpty());
        if (max != null) {
            assertEquals(where + " accepts its maximum", "", ad.validate(max));
            assertFalse(where + " refuses its maximum + 1", ad.validate(String.valueOf(Long.parseLong(max) + 1)).isEmpty());
        }
    }

    // ---- event payload copies -------------------------------------------------------------

    /** Records the data array of each event it gets, then overwrites the array. */
    private static final class Vandal implements EventHandler {
        final List<byte[]> seenBefore = new CopyOnWriteArrayList<>();
        final List<byte[]> arrays = new CopyOnWriteArrayList<>();
        final byte fill;

        Vandal(byte fill) {
            this.fill = fill;
        }

        @Override
        public void handleEvent(Event event) {
            byte[] data = (byte[]) event.getProperty(SocketEvents.DATA);
            seenBefore.add(data.clone());
            arrays.add(data);
            Arrays.fill(data, fill);
        }
    }

    private Vandal vandal(String topic, String objectId, byte fill) {
        Vandal vandal = new Vandal(fill);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topic);
        properties.put(EventConstants.EVENT_FILTER, "(objectId=" + objectId + ")");
        handlers.add(bundleContext.registerService(EventHandler.class, vandal, properties));
        return vandal;
    }

    /** Overwriting DATA_RECEIVED's data in a handler leaves the socket's read buffer intact. */
    @Test
    public void dataReceivedPayloadIsACopyOfTheReadBuffer() throws Exception {
        String id = "copy-tcp";
        TcpPeer peer = tcpPeer();
        Vandal first = vandal(SocketEvents.TCP_DATA_RECEIVED, id, (byte) 'X');
        Vandal second = vandal(SocketEvents.TCP_DATA_RECEIVED, id, (byte) 'Y');
        Map<String, Object> configuration = endpoint(id, peer.port());
        configuration.put(SocketConfig.PUBLISH_DATA, true);
        createFactoryConfiguration(SocketPids.TCP_SOCKET, configuration);
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "connected");

        byte[] sent = "sensitive payload 1\n".getBytes(StandardCharsets.UTF_8);
        peer.send(connection, sent);
        awaitCondition(() -> first.arrays.size() == 1 && second.arrays.size() == 1, TIMEOUT,
                "both handlers got DATA_RECEIVED");
        assertArrayEquals("the socket's buffer is untouched by the handlers", sent, socket.peekAll());
        assertEquals("sensitive payload 1", socket.readLine());

        byte[] next = "sensitive payload 2\n".getBytes(StandardCharsets.UTF_8);
        peer.send(connection, next);
        awaitCondition(() -> first.arrays.size() == 2 && second.arrays.size() == 2, TIMEOUT, "the second event");
        assertArrayEquals(next, socket.readAll());
        assertNotSame("each event has an array of its own", first.arrays.get(0), first.arrays.get(1));
        recordSharing("DATA_RECEIVED", first, second, sent);
    }

    /** Overwriting DATAGRAM_RECEIVED's data leaves the current and the queued datagram intact. */
    @Test
    public void datagramReceivedPayloadIsACopyOfTheDatagram() throws Exception {
        String id = "copy-udp";
        UdpPeer peer = udpPeer();
        Vandal first = vandal(SocketEvents.UDP_DATAGRAM_RECEIVED, id, (byte) 'X');
        Vandal second = vandal(SocketEvents.UDP_DATAGRAM_RECEIVED, id, (byte) 'Y');
        Vandal data = vandal(SocketEvents.UDP_DATA_RECEIVED, id, (byte) 'Z');
        Map<String, Object> configuration = props(SocketConfig.OBJECT_ID, id, SocketConfig.LOCAL_ADDRESS, LOOPBACK,
                SocketConfig.PUBLISH_DATA, true);
        createFactoryConfiguration(SocketPids.UDP_SOCKET, configuration);
        UdpSocket socket = awaitService(UdpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.BOUND, TIMEOUT, "bound");

        byte[] sent = "sensitive datagram".getBytes(StandardCharsets.UTF_8);
        peer.send(socket.getLocalPort(), "sensitive datagram");
        awaitCondition(() -> first.arrays.size() == 1 && second.arrays.size() == 1 && data.arrays.size() == 1,
                TIMEOUT, "DATAGRAM_RECEIVED and DATA_RECEIVED handled");
        assertArrayEquals("the current datagram is untouched", sent, socket.getCurrentDatagram().getPayload());
        assertArrayEquals("the queued datagram is untouched", sent, socket.readDatagram().getPayload());
        assertArrayEquals("DATA_RECEIVED has its own copy", sent, data.seenBefore.get(0));
        assertNotSame(first.arrays.get(0), data.arrays.get(0));
        recordSharing("DATAGRAM_RECEIVED", first, second, sent);
    }

    /**
     * Handlers of one event get the same Event, hence the same array: whichever ran second saw
     * the first one's changes if they share it. Recorded (and documented), not a socket property.
     */
    private static void recordSharing(String event, Vandal first, Vandal second, byte[] sent) {
        boolean shared = first.arrays.get(0) == second.arrays.get(0);
        boolean secondSawOriginal = Arrays.equals(sent, second.seenBefore.get(0));
        boolean firstSawOriginal = Arrays.equals(sent, first.seenBefore.get(0));
        assertTrue("at least the handler that ran first saw the original", firstSawOriginal || secondSawOriginal);
        System.out.printf("FIGURES payload-copies %s: socket buffer untouched=true, handlers share the event's"
                + " array=%s, both handlers saw the original=%s%n", event, shared, firstSawOriginal && secondSawOriginal);
    }

    /** A WRITE event's array changed after sendEvent returns does not change what is sent. */
    @Test
    public void writeEventDataIsCopiedWhenHandled() throws Exception {
        String id = "copy-write";
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, peer.port()));
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "connected");
        EventAdmin eventAdmin = awaitService(EventAdmin.class, null, TIMEOUT);

        byte[] data = "original bytes\n".getBytes(StandardCharsets.UTF_8);
        Map<String, Object> properties = new HashMap<>();
        properties.put(SocketEvents.OBJECT_ID, id);
        properties.put(SocketEvents.DATA, data);
        eventAdmin.sendEvent(new Event(SocketEvents.TCP_WRITE, properties));
        Arrays.fill(data, (byte) '!'); // after the bridge handled it: must not change what is sent
        peer.awaitReceived(connection, "original bytes\n", TIMEOUT);

        byte[] posted = "posted bytes\n".getBytes(StandardCharsets.UTF_8);
        properties.put(SocketEvents.DATA, posted);
        eventAdmin.postEvent(new Event(SocketEvents.TCP_WRITE, properties));
        peer.awaitReceived(connection, "posted bytes\n", TIMEOUT);
        assertEquals("original bytes\nposted bytes\n", peer.receivedText(connection));
    }
}
