package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
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
import org.osgi.service.event.EventAdmin;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpServer;
import ipsocket.api.TcpSocket;

/**
 * Proves CONTRACT.md section 6 in a framework: a server configured through ConfigAdmin listens on
 * loopback, a client socket of ours connects to it, the accepted connection is a TcpSocket service
 * with {@code parent} for exactly as long as it is open, its events carry {@code parent}, an
 * inbound WRITE reaches it by objectId, and the server's events report what happened.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TcpServerIT extends LoggedSocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    private ServiceReference<TcpServer> awaitListening(String objectId) throws Exception {
        TcpServer server = awaitService(TcpServer.class, "(objectId=" + objectId + ")", TIMEOUT);
        awaitCondition(server::isListening, TIMEOUT, "server " + objectId + " listening: " + server.getErrorString());
        ServiceReference<TcpServer> reference = serviceReferences(TcpServer.class, "(objectId=" + objectId + ")")
                .iterator().next();
        awaitCondition(() -> Integer.valueOf(server.getLocalPort()).equals(reference.getProperty(SocketConfig.LOCAL_PORT)),
                TIMEOUT, "the service property localPort to be the port in use");
        return reference;
    }

    /** Server by ConfigAdmin, our client connects, the connection is a service, WRITE reaches it, events. */
    @Test
    public void configuredServerAcceptsOurClient() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.ALL_TOPICS);
        org.osgi.service.cm.Configuration serverConfiguration = createFactoryConfiguration(SocketPids.TCP_SERVER,
                props(SocketConfig.OBJECT_ID, "srv-it", SocketConfig.LOCAL_PORT, "0", SocketConfig.LOW_DELAY, "true"));
        ServiceReference<TcpServer> serverReference = awaitListening("srv-it");
        TcpServer server = bundleContext.getService(serverReference);
        int port = server.getLocalPort();
        assertTrue("port 0 is reported as the port in use", port > 0);
        assertEquals("127.0.0.1", server.getLocalAddress());
        assertEquals("127.0.0.1", serverReference.getProperty(SocketConfig.LOCAL_ADDRESS));
        assertEquals(serverConfiguration.getPid(), serverReference.getProperty(Constants.SERVICE_PID));
        assertEquals(SocketPids.TCP_SERVER, serverReference.getProperty("service.factoryPid"));
        Event listening = events.awaitEvent(on(SocketEvents.SERVER_LISTENING, "srv-it"), TIMEOUT);
        assertEquals(port, listening.getProperty(SocketEvents.LOCAL_PORT));

        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("cli-it", port));
        TcpSocket client = awaitService(TcpSocket.class, "(objectId=cli-it)", TIMEOUT);
        awaitCondition(() -> client.getState() == SocketState.CONNECTED, TIMEOUT, "client connected");
        String connectionId = "srv-it/127.0.0.1:" + client.getLocalPort();

        ServiceReference<TcpSocket> reference = awaitSocketReference(TcpSocket.class, connectionId);
        assertEquals("srv-it", reference.getProperty(SocketConfig.PARENT));
        assertEquals("127.0.0.1", reference.getProperty(SocketConfig.HOSTNAME));
        assertEquals(client.getLocalPort(), reference.getProperty(SocketConfig.PORT));
        assertEquals(SocketPids.TCP_SERVER, reference.getProperty("service.factoryPid"));
        assertEquals(SocketPids.TCP_SERVER, reference.getProperty("component.name"));
        assertNull("a connection has no configuration of its own", reference.getProperty(Constants.SERVICE_PID));
        TcpSocket connection = bundleContext.getService(reference);
        assertEquals(SocketState.CONNECTED, connection.getState());
        assertFalse(connection.isAutoConnect());
        assertTrue("the server's options", connection.isLowDelay());
        assertEquals(1, server.getConnections().size());

        Event accepted = events.awaitEvent(on(SocketEvents.SERVER_NEW_CONNECTION, "srv-it"), TIMEOUT);
        assertEquals(connectionId, accepted.getProperty(SocketEvents.CONNECTION));
        assertEquals("127.0.0.1", accepted.getProperty(SocketEvents.PEER_ADDRESS));
        assertEquals(client.getLocalPort(), accepted.getProperty(SocketEvents.PEER_PORT));
        assertEquals(port, accepted.getProperty(SocketEvents.LOCAL_PORT));
        Event connected = events.awaitEvent(on(SocketEvents.TCP_CONNECTED, connectionId), TIMEOUT);
        assertEquals("srv-it", connected.getProperty(SocketEvents.PARENT));

        awaitService(EventAdmin.class, null, TIMEOUT).postEvent(new Event(SocketEvents.TCP_WRITE,
                props(SocketEvents.OBJECT_ID, connectionId, SocketEvents.DATA, "hello device\n")));
        awaitCondition(client::canReadLine, TIMEOUT, "the line written by objectId to arrive at our client");
        assertEquals("hello device", client.readLine());

        client.write("from the device\n".getBytes(StandardCharsets.UTF_8));
        awaitCondition(connection::canReadLine, TIMEOUT, "the line to arrive at the accepted connection");
        assertEquals("from the device", connection.readLine());
        Event ready = events.awaitEvent(on(SocketEvents.TCP_READY_READ, connectionId), TIMEOUT);
        assertEquals("srv-it", ready.getProperty(SocketEvents.PARENT));

        bundleContext.ungetService(reference);
        client.disconnectFromHost();
        awaitNoService(TcpSocket.class, "(objectId=" + connectionId + ")");
        assertTrue(server.getConnections().isEmpty());
        events.awaitEvent(on(SocketEvents.TCP_DISCONNECTED, connectionId), TIMEOUT);

        bundleContext.ungetService(serverReference);
        deleteConfiguration(serverConfiguration);
        awaitNoService(TcpServer.class, "(objectId=srv-it)");
        events.awaitEvent(on(SocketEvents.SERVER_CLOSED, "srv-it"), TIMEOUT);
    }

    /** A peer outside allowedPeers is closed at once and named by an ACCEPT_ERROR event. */
    @Test
    public void refusedPeerIsReported() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.SERVER_ALL_TOPICS);
        createFactoryConfiguration(SocketPids.TCP_SERVER, props(SocketConfig.OBJECT_ID, "srv-refuse",
                SocketConfig.LOCAL_PORT, 0, SocketConfig.ALLOWED_PEERS, new String[] {"10.0.0.0/8", "fd00::/8"}));
        ServiceReference<TcpServer> reference = awaitListening("srv-refuse");
        assertTrue("allowedPeers is a service property, for consoles", java.util.Arrays.equals(
                new String[] {"10.0.0.0/8", "fd00::/8"}, (String[]) reference.getProperty(SocketConfig.ALLOWED_PEERS)));
        try (Socket device = new Socket(LOOPBACK, (Integer) reference.getProperty(
                SocketConfig.LOCAL_PORT))) {
            Event refused = events.awaitEvent(on(SocketEvents.SERVER_ACCEPT_ERROR, "srv-refuse"), TIMEOUT);
            assertEquals("SocketAccessError", refused.getProperty(SocketEvents.ERROR));
            assertEquals(LOOPBACK, refused.getProperty(SocketEvents.PEER_ADDRESS));
            assertEquals(device.getLocalPort(), refused.getProperty(SocketEvents.PEER_PORT));
            assertTrue(String.valueOf(refused.getProperty(SocketEvents.ERROR_STRING)).contains(
                    LOOPBACK + ":" + device.getLocalPort()));
        }
        assertTrue(serviceReferences(TcpSocket.class, "(parent=srv-refuse)").isEmpty());
    }

    /**
     * Bad values never stop the component: each is an ACCEPT_ERROR naming the key, the server keeps
     * its defaults for them (here: no port, so it does not listen), and a corrected configuration
     * makes it listen.
     */
    @Test
    public void badValuesAreReportedAndACorrectionListens() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.SERVER_ALL_TOPICS);
        org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.TCP_SERVER,
                props(SocketConfig.OBJECT_ID, "srv-bad", SocketConfig.LOCAL_PORT, "70000",
                        SocketConfig.ALLOWED_PEERS, "10.0.0.0/33", "maxConection", "5"));
        TcpServer server = awaitService(TcpServer.class, "(objectId=srv-bad)", TIMEOUT);
        for (String named : new String[] {"localPort 70000", "allowedPeers entry '10.0.0.0/33'", "'maxConection'"}) {
            Event error = events.awaitEvent(on(SocketEvents.SERVER_ACCEPT_ERROR, "srv-bad")
                    .and(e -> String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains(named)), TIMEOUT);
            assertTrue(String.valueOf(error.getProperty(SocketEvents.ERROR)), error.getProperty(SocketEvents.ERROR)
                    instanceof String);
        }
        assertFalse(server.isListening());

        updateConfiguration(configuration, props(SocketConfig.OBJECT_ID, "srv-bad", SocketConfig.LOCAL_PORT, 0));
        awaitListening("srv-bad");
    }

    /** Deleting a server closes its open connections and their services go. */
    @Test
    public void deletingTheServerClosesItsConnections() throws Exception {
        org.osgi.service.cm.Configuration serverConfiguration = createFactoryConfiguration(SocketPids.TCP_SERVER,
                props(SocketConfig.OBJECT_ID, "srv-del", SocketConfig.LOCAL_PORT, 0));
        ServiceReference<TcpServer> serverReference = awaitListening("srv-del");
        int port = (Integer) serverReference.getProperty(SocketConfig.LOCAL_PORT);
        Map<String, Object> clientConfiguration = endpoint("cli-del", port);
        clientConfiguration.put(SocketConfig.AUTO_CONNECT, false);
        createFactoryConfiguration(SocketPids.TCP_SOCKET, clientConfiguration);
        TcpSocket client = awaitService(TcpSocket.class, "(objectId=cli-del)", TIMEOUT);
        client.connectToHost();
        awaitService(TcpSocket.class, "(parent=srv-del)", TIMEOUT);

        deleteConfiguration(serverConfiguration);
        awaitNoService(TcpSocket.class, "(parent=srv-del)");
        awaitCondition(() -> client.getState() == SocketState.DISCONNECTED, TIMEOUT, "the client sees the close");
    }

    /** A server from the component factory listens, and dispose closes it. */
    @Test
    public void componentFactoryMakesAServer() throws Exception {
        @SuppressWarnings("unchecked")
        ComponentFactory<Object> factory = awaitService(ComponentFactory.class,
                "(component.factory=" + SocketPids.TCP_SERVER_COMPONENT_FACTORY + ")", TIMEOUT);
        ComponentInstance<Object> instance = disposeAfterTest(factory.newInstance(new Hashtable<>(
                props(SocketConfig.OBJECT_ID, "srv-factory", SocketConfig.LOCAL_PORT, 0))));
        TcpServer server = (TcpServer) instance.getInstance();
        assertTrue(server.getErrorString(), server.isListening());
        awaitListening("srv-factory");
        instance.dispose();
        awaitNoService(TcpServer.class, "(objectId=srv-factory)");
        assertFalse(server.isListening());
    }

    /**
     * A second server configuration with an objectId a live server has is refused (not listening,
     * not registered) with an ACCEPT_ERROR and a warning naming both configurations, and listens
     * once the first is deleted: the rule sockets follow.
     */
    @Test
    public void duplicateObjectIdWaitsForTheFirstToGo() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.SERVER_ALL_TOPICS);
        org.osgi.service.cm.Configuration first = createFactoryConfiguration(SocketPids.TCP_SERVER,
                props(SocketConfig.OBJECT_ID, "srv-twin", SocketConfig.LOCAL_PORT, 0));
        String firstPid = first.getPid();
        awaitListening("srv-twin");
        events.awaitEvent(on(SocketEvents.SERVER_LISTENING, "srv-twin"), TIMEOUT);

        String secondPid = createFactoryConfiguration(SocketPids.TCP_SERVER,
                props(SocketConfig.OBJECT_ID, "srv-twin", SocketConfig.LOCAL_PORT, 0)).getPid();
        Event clash = events.awaitEvent(on(SocketEvents.SERVER_ACCEPT_ERROR, "srv-twin")
                .and(e -> String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains(secondPid)), TIMEOUT);
        String text = String.valueOf(clash.getProperty(SocketEvents.ERROR_STRING));
        assertTrue(text, text.contains(firstPid) && text.contains("already used") && text.contains("not listen"));
        assertEquals("OperationError", clash.getProperty(SocketEvents.ERROR));
        awaitCondition(() -> !implWarningsContaining(firstPid, secondPid, "already used").isEmpty(), TIMEOUT,
                "a warning naming both configurations; warnings: " + implWarningsContaining());
        Collection<ServiceReference<TcpServer>> registered = serviceReferences(TcpServer.class, "(objectId=srv-twin)");
        assertEquals("only the first is registered", 1, registered.size());
        assertEquals(firstPid, registered.iterator().next().getProperty(Constants.SERVICE_PID));
        assertEquals("only the first listens", 1, events.events().stream()
                .filter(on(SocketEvents.SERVER_LISTENING, "srv-twin")).count());

        deleteConfiguration(first);
        awaitCondition(() -> serviceReferences(TcpServer.class, "(objectId=srv-twin)").stream()
                .anyMatch(reference -> secondPid.equals(reference.getProperty(Constants.SERVICE_PID))), TIMEOUT,
                "the second registered once the first is gone");
        TcpServer second = awaitService(TcpServer.class, "(objectId=srv-twin)", TIMEOUT);
        awaitCondition(second::isListening, TIMEOUT, "the second listens: " + second.getErrorString());
        try (Socket device = new Socket(LOOPBACK, second.getLocalPort())) {
            awaitCondition(() -> second.getConnections().size() == 1, TIMEOUT, "the second accepts");
        }
        assertEquals(1, serviceReferences(TcpServer.class, "(objectId=srv-twin)").size());
    }

    /**
     * A changed listening key (here the backlog, with port 0) listens anew and the service
     * property localPort follows; the open connection stays and takes a changed option.
     */
    @Test
    public void aChangedConfigurationListensAnewAndConnectionsStay() throws Exception {
        EventRecorder events = recordEvents(SocketEvents.SERVER_ALL_TOPICS);
        org.osgi.service.cm.Configuration configuration = createFactoryConfiguration(SocketPids.TCP_SERVER,
                props(SocketConfig.OBJECT_ID, "srv-move", SocketConfig.LOCAL_PORT, 0));
        ServiceReference<TcpServer> reference = awaitListening("srv-move");
        TcpServer server = bundleContext.getService(reference);
        try (Socket device = new Socket(LOOPBACK, server.getLocalPort())) {
            awaitCondition(() -> server.getConnections().size() == 1, TIMEOUT, "the device accepted");
            TcpSocket connection = server.getConnections().get(0);
            assertFalse(connection.isLowDelay());

            updateConfiguration(configuration, props(SocketConfig.OBJECT_ID, "srv-move", SocketConfig.LOCAL_PORT, 0,
                    SocketConfig.MAX_PENDING_CONNECTIONS, 10, SocketConfig.LOW_DELAY, true));
            awaitCondition(() -> events.events().stream().filter(on(SocketEvents.SERVER_LISTENING, "srv-move"))
                    .count() == 2, TIMEOUT, "a second LISTENING: it listens anew");
            awaitCondition(() -> server.isListening() && Integer.valueOf(server.getLocalPort()).equals(
                    reference.getProperty(SocketConfig.LOCAL_PORT)), TIMEOUT, "localPort follows the new listening port");
            assertEquals(10, server.getMaxPendingConnections());
            awaitCondition(connection::isLowDelay, TIMEOUT, "the changed option reaches the open connection");
            assertEquals(SocketState.CONNECTED, connection.getState());

            device.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
            awaitCondition(connection::canReadLine, TIMEOUT, "the open connection still reads");
            assertEquals("still here", connection.readLine());
            try (Socket next = new Socket(LOOPBACK, server.getLocalPort())) {
                awaitCondition(() -> server.getConnections().size() == 2, TIMEOUT, "a client on the new port accepted");
            }
        } finally {
            bundleContext.ungetService(reference);
        }
    }
}
