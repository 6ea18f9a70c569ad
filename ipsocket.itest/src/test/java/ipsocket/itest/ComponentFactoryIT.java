package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.Map;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.event.Event;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;

/**
 * Proves the second way to create a socket, from code: the DS component factories
 * {@code ipsocket.TcpSocket.factory} and {@code ipsocket.UdpSocket.factory}.
 * {@code newInstance(properties)} takes the configuration keys; {@code getInstance()} is the
 * socket, live at once (connects or binds) and also registered as a service with objectId,
 * hostname and port; {@code dispose()} closes it gracefully and unregisters it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ComponentFactoryIT extends SocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    @SuppressWarnings("unchecked")
    private ComponentFactory<Object> factory(String name) throws Exception {
        return awaitService(ComponentFactory.class, "(component.factory=" + name + ")", TIMEOUT);
    }

    /** A TCP socket from the factory connects to a peer, is a service, and goes away on dispose. */
    @Test
    public void tcpInstanceLifecycle() throws Exception {
        String id = "factory-tcp";
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        ComponentInstance<Object> instance = disposeAfterTest(
                factory(SocketPids.TCP_SOCKET_COMPONENT_FACTORY).newInstance(new Hashtable<>(endpoint(id, peer.port()))));

        Object created = instance.getInstance();
        assertTrue("getInstance() is a TcpSocket: " + created, created instanceof TcpSocket);
        TcpSocket socket = (TcpSocket) created;
        assertEquals(id, socket.getObjectId());
        TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "connected");
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, id), TIMEOUT);

        ServiceReference<TcpSocket> reference = awaitSocketReference(TcpSocket.class, id);
        assertSame("the service is the instance", socket, bundleContext.getService(reference));
        assertEquals(LOOPBACK, reference.getProperty(SocketConfig.HOSTNAME));
        assertEquals(peer.port(), reference.getProperty(SocketConfig.PORT));
        // CONTRACT.md section 7: the component that made it (no configuration, so no service.pid)
        assertEquals(SocketPids.TCP_SOCKET_COMPONENT_FACTORY, reference.getProperty("component.name"));
        assertNull(reference.getProperty(Constants.SERVICE_PID));

        assertEquals(13L, socket.write("from factory\n"));
        peer.awaitReceived(connection, "from factory\n", TIMEOUT);

        instance.dispose();
        peer.await(() -> peer.endOfStream(connection), TIMEOUT, "end of stream after dispose");
        awaitNoService(TcpSocket.class, "(objectId=" + id + ")");
        awaitCondition(() -> socket.getState() == SocketState.DISCONNECTED, TIMEOUT, "disconnected");
        events.awaitEvent(on(SocketEvents.TCP_DISCONNECTED, id), TIMEOUT);
    }

    /**
     * A TLS socket from {@code ipsocket.SslSocket.factory} is an SslSocket (and a TcpSocket)
     * service; against a peer that never speaks TLS it connects, then its handshake times out as
     * SslHandshakeFailedError, published on {@code ipsocket/SslSocket/ERROR_OCCURRED}; dispose
     * withdraws it.
     */
    @Test
    public void tlsInstanceLifecycle() throws Exception {
        String id = "factory-tls";
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.SSL_TOPIC_PREFIX + "*");
        Map<String, Object> properties = new java.util.HashMap<>(endpoint(id, peer.port()));
        properties.put(SocketConfig.HANDSHAKE_TIMEOUT, "300");
        properties.put(SocketConfig.AUTO_CONNECT, "false");
        ComponentInstance<Object> instance = disposeAfterTest(
                factory(SocketPids.SSL_SOCKET_COMPONENT_FACTORY).newInstance(new Hashtable<>(properties)));

        Object created = instance.getInstance();
        assertTrue("getInstance() is an SslSocket: " + created, created instanceof ipsocket.api.SslSocket);
        ipsocket.api.SslSocket socket = (ipsocket.api.SslSocket) created;
        assertSame("also a TcpSocket service", socket, awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT));
        socket.connectToHost();
        events.awaitEvent(on(SocketEvents.SSL_TOPIC_PREFIX + SocketEvents.CONNECTED, id), TIMEOUT);
        Event failed = events.awaitEvent(on(SocketEvents.SSL_TOPIC_PREFIX + SocketEvents.ERROR_OCCURRED, id)
                .and(e -> Integer.valueOf(23).equals(e.getProperty(SocketEvents.ERROR_CODE))), TIMEOUT);
        assertTrue(String.valueOf(failed.getProperty(SocketEvents.ERROR_STRING)).contains("handshakeTimeout"));

        instance.dispose();
        awaitNoService(ipsocket.api.SslSocket.class, "(objectId=" + id + ")");
    }

    /** A UDP socket from the factory binds, receives and sends datagrams, and goes away on dispose. */
    @Test
    public void udpInstanceLifecycle() throws Exception {
        String id = "factory-udp";
        UdpPeer peer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.UDP_ALL_TOPICS);
        Map<String, Object> properties = props(SocketConfig.OBJECT_ID, id, SocketConfig.LOCAL_ADDRESS, LOOPBACK);
        ComponentInstance<Object> instance = disposeAfterTest(
                factory(SocketPids.UDP_SOCKET_COMPONENT_FACTORY).newInstance(new Hashtable<>(properties)));

        Object created = instance.getInstance();
        assertTrue("getInstance() is a UdpSocket: " + created, created instanceof UdpSocket);
        UdpSocket socket = (UdpSocket) created;
        awaitCondition(() -> socket.getState() == SocketState.BOUND, TIMEOUT, "bound");
        assertSame("the service is the instance", socket,
                awaitService(UdpSocket.class, "(objectId=" + id + ")", TIMEOUT));

        peer.send(socket.getLocalPort(), "to factory socket");
        Event received = events.awaitEvent(on(SocketEvents.UDP_DATAGRAM_RECEIVED, id), TIMEOUT);
        assertEquals("to factory socket", dataText(received));

        assertTrue(socket.writeDatagram(UdpDatagram.to(LOOPBACK, peer.port(),
                "from factory socket".getBytes(StandardCharsets.UTF_8))));
        DatagramPacket packet = peer.receive(TIMEOUT);
        assertEquals("from factory socket", new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        assertEquals(socket.getLocalPort(), packet.getPort());

        instance.dispose();
        awaitNoService(UdpSocket.class, "(objectId=" + id + ")");
        awaitCondition(() -> socket.getState() == SocketState.DISCONNECTED, TIMEOUT, "disconnected");
    }

    /** Bad instance properties never make newInstance fail: the instance reports the error. */
    @Test
    public void badPropertiesEndInAnError() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        Map<String, Object> properties = endpoint("factory-bad", 70000);
        properties.put(SocketConfig.PROTOCOL, "IPX");
        ComponentInstance<Object> instance = disposeAfterTest(factory(SocketPids.TCP_SOCKET_COMPONENT_FACTORY)
                .newInstance(new Hashtable<>(properties)));
        TcpSocket socket = (TcpSocket) instance.getInstance();
        events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, "factory-bad").and(e ->
                ipsocket.api.SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR.value() == (Integer) e.getProperty(SocketEvents.ERROR_CODE)),
                TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, "factory-bad").and(e ->
                String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains(SocketConfig.PROTOCOL)), TIMEOUT);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertEquals(1, serviceReferences(TcpSocket.class, "(objectId=factory-bad)").size());
    }

    /** Several instances of one factory are independent sockets. */
    @Test
    public void instancesAreIndependent() throws Exception {
        TcpPeer peer = tcpPeer();
        ComponentFactory<Object> factory = factory(SocketPids.TCP_SOCKET_COMPONENT_FACTORY);
        ComponentInstance<Object> first = disposeAfterTest(factory.newInstance(new Hashtable<>(endpoint("factory-a", peer.port()))));
        ComponentInstance<Object> second = disposeAfterTest(factory.newInstance(new Hashtable<>(endpoint("factory-b", peer.port()))));
        TcpSocket a = (TcpSocket) first.getInstance();
        TcpSocket b = (TcpSocket) second.getInstance();
        awaitCondition(() -> a.getState() == SocketState.CONNECTED && b.getState() == SocketState.CONNECTED,
                TIMEOUT, "both connected");
        peer.await(() -> peer.connectionCount() == 2, TIMEOUT, "two connections");

        first.dispose();
        awaitNoService(TcpSocket.class, "(objectId=factory-a)");
        peer.await(() -> peer.endOfStreamCount() == 1, TIMEOUT, "one connection closed");
        assertEquals("the other instance stays connected", SocketState.CONNECTED, b.getState());
        assertEquals(1, serviceReferences(TcpSocket.class, "(objectId=factory-b)").size());
    }
}
