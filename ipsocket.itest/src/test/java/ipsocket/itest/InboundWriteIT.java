package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;

/**
 * Proves the inbound half of the EventAdmin contract (CONTRACT.md §3): an event on
 * {@code ipsocket/TcpSocket/WRITE} or {@code ipsocket/UdpSocket/WRITE} with objectId and data
 * (byte[] or String) is written by that socket and reaches the loopback peer; a UDP WRITE may
 * name its destination; every write that cannot be done (unknown objectId, disconnected socket,
 * no data, UDP without destination or virtual connection) is answered with an ERROR_OCCURRED
 * event, never silently.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class InboundWriteIT extends SocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    private void post(String topic, Map<String, Object> properties) throws Exception {
        awaitService(EventAdmin.class, null, TIMEOUT).postEvent(new Event(topic, properties));
    }

    private static void assertOperationError(Event event, String objectId) {
        assertEquals(objectId, event.getProperty(SocketEvents.OBJECT_ID));
        assertEquals(SocketError.OPERATION_ERROR.seedName(), event.getProperty(SocketEvents.ERROR));
        assertEquals(SocketError.OPERATION_ERROR.value(), event.getProperty(SocketEvents.ERROR_CODE));
        assertTrue("errorString: " + event.getProperty(SocketEvents.ERROR_STRING),
                event.getProperty(SocketEvents.ERROR_STRING) instanceof String
                        && !((String) event.getProperty(SocketEvents.ERROR_STRING)).isBlank());
        assertTrue(event.getProperty(SocketEvents.STATE) instanceof String);
        assertTrue(event.getProperty(SocketEvents.HOSTNAME) instanceof String);
        assertTrue(event.getProperty(SocketEvents.PORT) instanceof Integer);
    }

    /** WRITE with byte[] data and with String data: the peer receives both, in order. */
    @Test
    public void tcpWriteBytesAndString() throws Exception {
        String id = "write-tcp";
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, peer.port()));
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "connected");

        post(SocketEvents.TCP_WRITE, props(SocketEvents.OBJECT_ID, id,
                SocketEvents.DATA, "bytes;".getBytes(StandardCharsets.UTF_8)));
        post(SocketEvents.TCP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, "text\u00e9\n"));
        peer.awaitReceived(connection, "bytes;text\u00e9\n", TIMEOUT);
        assertEquals("bytes;text\u00e9\n", peer.receivedText(connection));
    }

    /** WRITE naming no existing socket is answered with ERROR_OCCURRED (OperationError) on both topics. */
    @Test
    public void unknownObjectIdIsAnswered() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.ALL_TOPICS);
        post(SocketEvents.TCP_WRITE, props(SocketEvents.OBJECT_ID, "no-such-socket", SocketEvents.DATA, "x"));
        Event tcpAnswer = events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, "no-such-socket"), TIMEOUT);
        assertOperationError(tcpAnswer, "no-such-socket");
        assertTrue(String.valueOf(tcpAnswer.getProperty(SocketEvents.ERROR_STRING)),
                String.valueOf(tcpAnswer.getProperty(SocketEvents.ERROR_STRING)).contains("no-such-socket"));

        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, "no-such-udp", SocketEvents.DATA, "x"));
        assertOperationError(events.awaitEvent(on(SocketEvents.UDP_ERROR_OCCURRED, "no-such-udp"), TIMEOUT),
                "no-such-udp");

        // A TCP socket's objectId on the UDP topic names no UDP socket.
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("write-wrong-kind", peer.port()));
        awaitService(TcpSocket.class, "(objectId=write-wrong-kind)", TIMEOUT);
        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, "write-wrong-kind", SocketEvents.DATA, "x"));
        assertOperationError(events.awaitEvent(on(SocketEvents.UDP_ERROR_OCCURRED, "write-wrong-kind"), TIMEOUT),
                "write-wrong-kind");
    }

    /** WRITE to a socket that is not connected is answered with ERROR_OCCURRED (OperationError). */
    @Test
    public void writeToDisconnectedSocketIsAnswered() throws Exception {
        String id = "write-disconnected";
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        Map<String, Object> configuration = endpoint(id, peer.port());
        configuration.put(SocketConfig.AUTO_CONNECT, false);
        createFactoryConfiguration(SocketPids.TCP_SOCKET, configuration);
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        assertEquals(SocketState.DISCONNECTED, socket.getState());

        post(SocketEvents.TCP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, "lost?"));
        Event answer = events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, id), TIMEOUT);
        assertOperationError(answer, id);
        assertEquals(SocketState.DISCONNECTED.seedName(), answer.getProperty(SocketEvents.STATE));
        assertEquals("nothing connected", 0, peer.connectionCount());
    }

    /** WRITE without data, or with data of another type, is answered with ERROR_OCCURRED. */
    @Test
    public void writeWithoutDataIsAnswered() throws Exception {
        String id = "write-nodata";
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, peer.port()));
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "connected");

        post(SocketEvents.TCP_WRITE, props(SocketEvents.OBJECT_ID, id));
        Event missing = events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, id), TIMEOUT);
        assertOperationError(missing, id);
        assertTrue(String.valueOf(missing.getProperty(SocketEvents.ERROR_STRING)),
                String.valueOf(missing.getProperty(SocketEvents.ERROR_STRING)).contains(SocketEvents.DATA));

        post(SocketEvents.TCP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, 42));
        events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, id)
                .and(e -> String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains("Integer")), TIMEOUT);
    }

    /** UDP WRITE with destination.address and destination.port (Integer or String) sends a datagram there. */
    @Test
    public void udpWriteWithDestination() throws Exception {
        String id = "write-udp";
        UdpPeer peer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.UDP_ALL_TOPICS);
        createFactoryConfiguration(SocketPids.UDP_SOCKET, props(SocketConfig.OBJECT_ID, id,
                SocketConfig.LOCAL_ADDRESS, LOOPBACK));
        UdpSocket socket = awaitService(UdpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.BOUND, TIMEOUT, "bound");

        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, id,
                SocketEvents.DATA, "datagram one".getBytes(StandardCharsets.UTF_8),
                SocketEvents.DESTINATION_ADDRESS, LOOPBACK, SocketEvents.DESTINATION_PORT, peer.port()));
        DatagramPacket first = peer.receive(TIMEOUT);
        assertEquals("datagram one", new String(first.getData(), 0, first.getLength(), StandardCharsets.UTF_8));
        assertEquals("sent from the socket's bound port", socket.getLocalPort(), first.getPort());

        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, "datagram two",
                SocketEvents.DESTINATION_ADDRESS, LOOPBACK,
                SocketEvents.DESTINATION_PORT, String.valueOf(peer.port())));
        assertEquals("datagram two", peer.receiveText(TIMEOUT));

        // Without destination a socket with no virtual connection cannot write: answered.
        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, "nowhere"));
        Event answer = events.awaitEvent(on(SocketEvents.UDP_ERROR_OCCURRED, id), TIMEOUT);
        assertEquals(SocketError.OPERATION_ERROR.seedName(), answer.getProperty(SocketEvents.ERROR));

        // A bad destination port is answered too.
        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, "bad port",
                SocketEvents.DESTINATION_ADDRESS, LOOPBACK, SocketEvents.DESTINATION_PORT, "http"));
        events.awaitEvent(on(SocketEvents.UDP_ERROR_OCCURRED, id)
                .and(e -> SocketError.DATAGRAM_WRITE_ERROR.seedName().equals(e.getProperty(SocketEvents.ERROR))),
                TIMEOUT);
    }

    /** UDP WRITE without destination goes to the virtually connected peer. */
    @Test
    public void udpWriteToConnectedPeer() throws Exception {
        String id = "write-udp-connected";
        UdpPeer peer = udpPeer();
        createFactoryConfiguration(SocketPids.UDP_SOCKET, endpoint(id, peer.port()));
        UdpSocket socket = awaitService(UdpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "virtually connected");
        post(SocketEvents.UDP_WRITE, props(SocketEvents.OBJECT_ID, id, SocketEvents.DATA, "to my peer"));
        assertEquals("to my peer", peer.receiveText(TIMEOUT));
    }
}
