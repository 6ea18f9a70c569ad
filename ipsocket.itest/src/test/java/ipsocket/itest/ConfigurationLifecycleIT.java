package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

import ipsocket.api.IoDevice;
import ipsocket.api.IpSocket;
import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.api.UdpSocket;

/**
 * Proves the ConfigAdmin contract (CONTRACT.md §2) end to end against loopback peers: a factory
 * configuration of {@code ipsocket.TcpSocket} or {@code ipsocket.UdpSocket} becomes a socket
 * service under its three interfaces with the service properties objectId, hostname and port;
 * a new endpoint reconnects and updates the service properties; an option-only change is
 * applied in place without reconnecting; deletion closes gracefully (DISCONNECTED, peer sees
 * end of stream) and unregisters; String values (as from .cfg files) and typed values (Integer,
 * Long, Boolean) are both accepted; without objectId the socket is named by the configuration's
 * PID.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigurationLifecycleIT extends SocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    /** Create, reconfigure to a second server (port, then hostname), delete: TCP. */
    @Test
    public void tcpCreateReconfigureDelete() throws Exception {
        String id = "cfg-tcp";
        TcpPeer first = tcpPeer();
        TcpPeer second = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);

        org.osgi.service.cm.Configuration configuration =
                createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, first.port()));
        ServiceReference<TcpSocket> reference = awaitSocketReference(TcpSocket.class, id);
        assertEquals(id, reference.getProperty(SocketConfig.OBJECT_ID));
        assertEquals(LOOPBACK, reference.getProperty(SocketConfig.HOSTNAME));
        assertEquals(first.port(), reference.getProperty(SocketConfig.PORT));
        // CONTRACT.md section 7: the service names its configuration and component
        assertEquals(configuration.getPid(), reference.getProperty(Constants.SERVICE_PID));
        assertEquals(SocketPids.TCP_SOCKET, reference.getProperty("service.factoryPid"));
        assertEquals(SocketPids.TCP_SOCKET, reference.getProperty("component.name"));
        assertEquals("registered as IpSocket", 1, serviceReferences(IpSocket.class, "(objectId=" + id + ")").size());
        assertEquals("registered as IoDevice", 1, serviceReferences(IoDevice.class, "(objectId=" + id + ")").size());
        TcpSocket socket = bundleContext.getService(reference);

        TcpPeer.Connection firstConnection = first.awaitConnection(0, TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, id), TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "socket connected");

        // New port: the old connection closes gracefully, the socket connects to the second server.
        updateConfiguration(configuration, endpoint(id, second.port()));
        TcpPeer.Connection secondConnection = second.awaitConnection(0, TIMEOUT);
        first.await(() -> first.endOfStream(firstConnection), TIMEOUT, "end of stream on the first server");
        Event reconnected = events.awaitEvent(on(SocketEvents.TCP_CONNECTED, id)
                .and(e -> Integer.valueOf(second.port()).equals(e.getProperty(SocketEvents.PORT))), TIMEOUT);
        assertEquals(LOOPBACK, reconnected.getProperty(SocketEvents.HOSTNAME));
        awaitCondition(() -> Integer.valueOf(second.port()).equals(reference.getProperty(SocketConfig.PORT)),
                TIMEOUT, "service property port updated to " + second.port());
        assertEquals(second.port(), socket.getPort());
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "socket connected again");
        assertEquals(second.port(), socket.getPeerPort());
        assertEquals(5L, socket.write("again"));
        second.awaitReceived(secondConnection, "again", TIMEOUT);
        assertEquals("the first server got no second connection", 1, first.connectionCount());

        // New hostname, same port: reconnects, and the hostname service property follows.
        Map<String, Object> byName = endpoint(id, second.port());
        byName.put(SocketConfig.HOSTNAME, "localhost");
        updateConfiguration(configuration, byName);
        TcpPeer.Connection thirdConnection = second.awaitConnection(1, TIMEOUT);
        second.await(() -> second.endOfStream(secondConnection), TIMEOUT, "end of stream of the second connection");
        awaitCondition(() -> "localhost".equals(reference.getProperty(SocketConfig.HOSTNAME)), TIMEOUT,
                "service property hostname updated to localhost");
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, id)
                .and(e -> "localhost".equals(e.getProperty(SocketEvents.HOSTNAME))), TIMEOUT);

        // Delete: graceful close, DISCONNECTED, service gone.
        Predicate<Event> afterDelete = receivedFromNowOn(events);
        deleteConfiguration(configuration);
        events.awaitEvent(afterDelete.and(stateChanged(SocketEvents.TCP_STATE_CHANGED, id, "Disconnected")), TIMEOUT);
        // DISCONNECTED follows STATE_CHANGED Disconnected at once; the deadline allows for a slow machine
        events.awaitEvent(afterDelete.and(on(SocketEvents.TCP_DISCONNECTED, id)), Duration.ofSeconds(10));
        awaitNoService(TcpSocket.class, "(objectId=" + id + ")");
        awaitNoService(IoDevice.class, "(objectId=" + id + ")");
        second.await(() -> second.endOfStream(thirdConnection), TIMEOUT, "end of stream after delete");
        assertEquals("no connection was reset", 0, first.failedCount() + second.failedCount());
    }

    /**
     * hostname and port changed through the API (not the configuration) update the service
     * properties too, so service filters never match stale values.
     */
    @Test
    public void endpointChangedThroughTheApiUpdatesServiceProperties() throws Exception {
        String id = "api-endpoint";
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, peer.port()));
        ServiceReference<TcpSocket> reference = awaitSocketReference(TcpSocket.class, id);
        TcpSocket socket = bundleContext.getService(reference);
        TcpPeer other = tcpPeer();

        socket.setPort(other.port());
        awaitCondition(() -> Integer.valueOf(other.port()).equals(reference.getProperty(SocketConfig.PORT)),
                TIMEOUT, "service property port follows setPort(" + other.port() + ")");
        socket.setHostname("localhost");
        awaitCondition(() -> "localhost".equals(reference.getProperty(SocketConfig.HOSTNAME)), TIMEOUT,
                "service property hostname follows setHostname");
        assertEquals(1, serviceReferences(TcpSocket.class, "(&(objectId=" + id + ")(hostname=localhost)(port="
                + other.port() + "))").size());
    }

    /** The seed's Object.parent: empty by default, set and changed by the configuration key parent. */
    @Test
    public void parentComesFromTheConfiguration() throws Exception {
        String id = "with-parent";
        TcpPeer peer = tcpPeer();
        Map<String, Object> properties = endpoint(id, peer.port());
        org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.TCP_SOCKET, properties);
        TcpSocket socket = bundleContext.getService(awaitSocketReference(TcpSocket.class, id));
        assertEquals("", socket.getParent());

        properties.put(SocketConfig.PARENT, "meter-driver");
        updateConfiguration(configuration, properties);
        awaitCondition(() -> "meter-driver".equals(socket.getParent()), TIMEOUT, "parent from the configuration");
        assertEquals("meter-driver", socket.serializeProperties().get(SocketConfig.PARENT));
    }

    /** Changing only options (lowDelay, keepAlive) applies them in place: no reconnect. */
    @Test
    public void optionOnlyUpdateDoesNotReconnect() throws Exception {
        String id = "cfg-options";
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        org.osgi.service.cm.Configuration configuration =
                createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, peer.port()));
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, id), TIMEOUT);
        assertFalse(socket.isLowDelay());
        assertFalse(socket.isKeepAlive());
        int before = eventsOf(events, id).size();

        Map<String, Object> options = endpoint(id, peer.port());
        options.put(SocketConfig.LOW_DELAY, true);
        options.put(SocketConfig.KEEP_ALIVE, "true");
        updateConfiguration(configuration, options);
        events.awaitEvent(on(SocketEvents.TCP_PROPERTY_CHANGED, id)
                .and(e -> SocketConfig.LOW_DELAY.equals(e.getProperty(SocketEvents.PROPERTY)))
                .and(e -> Boolean.TRUE.equals(e.getProperty(SocketEvents.VALUE))), TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_PROPERTY_CHANGED, id)
                .and(e -> SocketConfig.KEEP_ALIVE.equals(e.getProperty(SocketEvents.PROPERTY))), TIMEOUT);
        assertTrue(socket.isLowDelay());
        assertTrue(socket.isKeepAlive());

        // A round trip after the change: whatever the change caused has been posted before it.
        peer.send(connection, "ping\n");
        events.awaitEvent(on(SocketEvents.TCP_READY_READ, id), TIMEOUT);
        assertEquals("ping", socket.readLine());
        assertEquals(5L, socket.write("pong\n"));
        peer.awaitReceived(connection, "pong\n", TIMEOUT);

        List<Event> after = eventsOf(events, id);
        after = after.subList(before, after.size());
        List<Event> connectionEvents = after.stream()
                .filter(e -> e.getTopic().equals(SocketEvents.TCP_CONNECTED)
                        || e.getTopic().equals(SocketEvents.TCP_DISCONNECTED)
                        || e.getTopic().equals(SocketEvents.TCP_STATE_CHANGED))
                .collect(Collectors.toList());
        assertTrue("an option-only update changed the connection:" + describe(connectionEvents),
                connectionEvents.isEmpty());
        assertTrue("the peer's connection stays open", peer.isOpen(connection));
        assertEquals("no new connection", 1, peer.connectionCount());
        assertEquals(SocketState.CONNECTED, socket.getState());
    }

    /** Create, reconfigure to a second peer, delete: UDP with a virtual connection. */
    @Test
    public void udpCreateReconfigureDelete() throws Exception {
        String id = "cfg-udp";
        UdpPeer first = udpPeer();
        UdpPeer second = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.UDP_ALL_TOPICS);

        org.osgi.service.cm.Configuration configuration =
                createFactoryConfiguration(SocketPids.UDP_SOCKET, endpoint(id, first.port()));
        ServiceReference<UdpSocket> reference = awaitSocketReference(UdpSocket.class, id);
        assertEquals(id, reference.getProperty(SocketConfig.OBJECT_ID));
        assertEquals(LOOPBACK, reference.getProperty(SocketConfig.HOSTNAME));
        assertEquals(first.port(), reference.getProperty(SocketConfig.PORT));
        // CONTRACT.md section 7: the service names its configuration and component
        assertEquals(configuration.getPid(), reference.getProperty(Constants.SERVICE_PID));
        assertEquals(SocketPids.UDP_SOCKET, reference.getProperty("service.factoryPid"));
        assertEquals(SocketPids.UDP_SOCKET, reference.getProperty("component.name"));
        assertEquals("registered as IpSocket", 1, serviceReferences(IpSocket.class, "(objectId=" + id + ")").size());
        assertEquals("registered as IoDevice", 1, serviceReferences(IoDevice.class, "(objectId=" + id + ")").size());
        UdpSocket socket = bundleContext.getService(reference);

        events.awaitEvent(on(SocketEvents.UDP_CONNECTED, id), TIMEOUT);
        assertEquals(3L, socket.write("one"));
        assertEquals("one", first.receiveText(TIMEOUT));

        updateConfiguration(configuration, endpoint(id, second.port()));
        events.awaitEvent(on(SocketEvents.UDP_CONNECTED, id)
                .and(e -> Integer.valueOf(second.port()).equals(e.getProperty(SocketEvents.PORT))), TIMEOUT);
        awaitCondition(() -> Integer.valueOf(second.port()).equals(reference.getProperty(SocketConfig.PORT)),
                TIMEOUT, "service property port updated to " + second.port());
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "virtual connection");
        assertEquals(3L, socket.write("two"));
        assertEquals("two", second.receiveText(TIMEOUT));

        Predicate<Event> afterDelete = receivedFromNowOn(events);
        deleteConfiguration(configuration);
        events.awaitEvent(afterDelete.and(stateChanged(SocketEvents.UDP_STATE_CHANGED, id, "Disconnected")), TIMEOUT);
        // DISCONNECTED follows STATE_CHANGED Disconnected at once; the deadline allows for a slow machine
        events.awaitEvent(afterDelete.and(on(SocketEvents.UDP_DISCONNECTED, id)), Duration.ofSeconds(10));
        awaitNoService(UdpSocket.class, "(objectId=" + id + ")");
        assertEquals(SocketState.DISCONNECTED, socket.getState());
    }

    /** Values as Strings (.cfg files, shells) and typed values (Integer, Long, Boolean) both work. */
    @Test
    public void stringAndTypedValuesAreAccepted() throws Exception {
        TcpPeer peer = tcpPeer();
        String port = String.valueOf(peer.port());
        createFactoryConfiguration(SocketPids.TCP_SOCKET, props(SocketConfig.OBJECT_ID, "cfg-strings",
                SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, port, SocketConfig.AUTO_CONNECT, "true",
                SocketConfig.LOW_DELAY, "true", SocketConfig.CONNECT_TIMEOUT, "5000",
                SocketConfig.PROTOCOL, "IPv4Protocol", SocketConfig.RECONNECT_MIN_INTERVAL, "100",
                SocketConfig.MAX_LINE_LENGTH, "1024"));
        createFactoryConfiguration(SocketPids.TCP_SOCKET, props(SocketConfig.OBJECT_ID, "cfg-typed",
                SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, peer.port(), SocketConfig.AUTO_CONNECT, true,
                SocketConfig.LOW_DELAY, Boolean.TRUE, SocketConfig.CONNECT_TIMEOUT, 5000,
                SocketConfig.PROTOCOL, 0, SocketConfig.RECONNECT_MIN_INTERVAL, 100,
                SocketConfig.MAX_LINE_LENGTH, 1024));
        createFactoryConfiguration(SocketPids.TCP_SOCKET, props(SocketConfig.OBJECT_ID, "cfg-long",
                SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, (long) peer.port(),
                SocketConfig.LOW_DELAY, true, SocketConfig.CONNECT_TIMEOUT, 5000L,
                SocketConfig.PROTOCOL, "0", SocketConfig.RECONNECT_MIN_INTERVAL, 100L,
                SocketConfig.MAX_LINE_LENGTH, 1024L));
        createFactoryConfiguration(SocketPids.UDP_SOCKET, props(SocketConfig.OBJECT_ID, "cfg-udp-strings",
                SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, "9", SocketConfig.BROADCAST, "true",
                SocketConfig.RECEIVE_QUEUE_LIMIT, "16", SocketConfig.LOCAL_ADDRESS, LOOPBACK,
                SocketConfig.LOCAL_PORT, "0"));

        for (String id : List.of("cfg-strings", "cfg-typed", "cfg-long")) {
            ServiceReference<TcpSocket> reference = awaitSocketReference(TcpSocket.class, id);
            TcpSocket socket = bundleContext.getService(reference);
            awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, id + " connected");
            assertEquals(id + " port service property", peer.port(), reference.getProperty(SocketConfig.PORT));
            assertEquals(id, peer.port(), socket.getPort());
            assertTrue(id + " lowDelay", socket.isLowDelay());
            assertTrue(id + " autoConnect", socket.isAutoConnect());
            assertEquals(id + " connectTimeout", 5000, socket.getConnectTimeout());
            assertEquals(id + " reconnectMinInterval", 100, socket.getReconnectMinInterval());
            assertEquals(id + " maxLineLength", 1024, socket.getMaxLineLength());
            assertEquals(id + " protocol", NetworkProtocol.IPV4_PROTOCOL, socket.getProtocol());
            assertEquals(id + " has no error: " + socket.getErrorString(), "NoError", socket.getError().seedName());
        }
        peer.await(() -> peer.connectionCount() == 3, TIMEOUT, "three connections");

        UdpSocket udp = awaitService(UdpSocket.class, "(objectId=cfg-udp-strings)", TIMEOUT);
        awaitCondition(() -> udp.getState() == SocketState.CONNECTED, TIMEOUT, "UDP socket connected");
        assertEquals(9, udp.getPort());
        assertTrue(udp.isBroadcast());
        assertEquals(16, udp.getReceiveQueueLimit());
        assertEquals(LOOPBACK, udp.getLocalAddress());
    }

    /** Without objectId, the socket, its service and its events are named by the configuration's PID. */
    @Test
    public void objectIdDefaultsToConfigurationPid() throws Exception {
        TcpPeer peer = tcpPeer();
        UdpPeer udpPeer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.ALL_TOPICS);
        org.osgi.service.cm.Configuration tcp = createFactoryConfiguration(SocketPids.TCP_SOCKET,
                props(SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, peer.port()));
        org.osgi.service.cm.Configuration udp = createFactoryConfiguration(SocketPids.UDP_SOCKET,
                props(SocketConfig.HOSTNAME, LOOPBACK, SocketConfig.PORT, udpPeer.port()));

        String tcpPid = tcp.getPid();
        TcpSocket tcpSocket = awaitService(TcpSocket.class, "(objectId=" + tcpPid + ")", TIMEOUT);
        assertEquals(tcpPid, tcpSocket.getObjectId());
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, tcpPid), TIMEOUT);

        String udpPid = udp.getPid();
        UdpSocket udpSocket = awaitService(UdpSocket.class, "(objectId=" + udpPid + ")", TIMEOUT);
        assertEquals(udpPid, udpSocket.getObjectId());
        events.awaitEvent(on(SocketEvents.UDP_CONNECTED, udpPid), TIMEOUT);
    }
}
