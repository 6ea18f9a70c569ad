package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;

/**
 * Proves that EventAdmin is optional at runtime (issue 5): with the EventAdmin bundle stopped,
 * a socket configured before keeps working and a socket configured meanwhile connects and
 * writes; when EventAdmin starts again, events resume for both. Also proves that a handler that
 * blocks does not stall socket I/O.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EventAdminOptionalIT extends SocketTestSupport {
    private static final String EVENT_ADMIN_BUNDLE = "org.apache.felix.eventadmin";

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    /**
     * Leaves EventAdmin running for the next test, whatever happened.
     *
     * @throws Exception if it cannot be started
     */
    @After
    public void restartEventAdmin() throws Exception {
        Bundle eventAdmin = installedBundle(EVENT_ADMIN_BUNDLE);
        if (eventAdmin.getState() != Bundle.ACTIVE) {
            eventAdmin.start();
        }
    }

    /** Without EventAdmin sockets connect, write and read; with it back, events flow again. */
    @Test
    public void socketsWorkWithoutEventAdmin() throws Exception {
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("ea-before", peer.port()));
        TcpSocket before = awaitService(TcpSocket.class, "(objectId=ea-before)", TIMEOUT);
        TcpPeer.Connection beforeConnection = peer.awaitConnection(0, TIMEOUT);
        awaitCondition(() -> before.getState() == SocketState.CONNECTED, TIMEOUT, "connected");

        Bundle eventAdmin = installedBundle(EVENT_ADMIN_BUNDLE);
        eventAdmin.stop();
        awaitNoService(EventAdmin.class, null);

        // The socket configured before still writes and reads.
        assertEquals(7L, before.write("before\n"));
        peer.awaitReceived(beforeConnection, "before\n", TIMEOUT);
        peer.send(beforeConnection, "reply\n");
        awaitCondition(before::canReadLine, TIMEOUT, "a line from the peer");
        assertEquals("reply", before.readLine());

        // A socket configured without EventAdmin connects and writes.
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("ea-without", peer.port()));
        TcpSocket without = awaitService(TcpSocket.class, "(objectId=ea-without)", TIMEOUT);
        TcpPeer.Connection withoutConnection = peer.awaitConnection(1, TIMEOUT);
        awaitCondition(() -> without.getState() == SocketState.CONNECTED, TIMEOUT, "connected without EventAdmin");
        assertEquals(8L, without.write("without\n"));
        peer.awaitReceived(withoutConnection, "without\n", TIMEOUT);
        assertAllBundlesActiveExcept(EVENT_ADMIN_BUNDLE);

        // EventAdmin back: events resume for both sockets.
        eventAdmin.start();
        awaitService(EventAdmin.class, null, TIMEOUT);
        awaitCondition(() -> serviceReferences(EventHandler.class, "(" + EventConstants.EVENT_TOPIC + "="
                + SocketEvents.TCP_WRITE + ")").stream().anyMatch(r -> implBundle().equals(r.getBundle())),
                TIMEOUT, "the event bridge back (its WRITE handler registered by ipsocket.impl)");
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        peer.send(beforeConnection, "ping");
        peer.send(withoutConnection, "ping");
        events.awaitEvent(on(SocketEvents.TCP_READY_READ, "ea-before"), TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_READY_READ, "ea-without"), TIMEOUT);
        assertAllBundlesActive();
    }

    /** A handler that blocks on every socket event does not stall reading or writing. */
    @Test
    public void blockedHandlerDoesNotStallIo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, SocketEvents.TCP_ALL_TOPICS);
        ServiceRegistration<EventHandler> slow = bundleContext.registerService(EventHandler.class, event -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, properties);
        try {
            TcpPeer peer = tcpPeer();
            createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("ea-slow", peer.port()));
            TcpSocket socket = awaitService(TcpSocket.class, "(objectId=ea-slow)", TIMEOUT);
            TcpPeer.Connection connection = peer.awaitConnection(0, TIMEOUT);
            assertTrue("the slow handler got an event", blocked.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            awaitCondition(() -> socket.getState() == SocketState.CONNECTED, Duration.ofSeconds(5),
                    "connected while a handler blocks");
            for (int i = 0; i < 20; i++) {
                String line = "line " + i + "\n";
                assertEquals(line.length(), socket.write(line));
                peer.awaitReceived(connection, line, Duration.ofSeconds(5));
                peer.send(connection, "echo " + i + "\n");
                awaitCondition(socket::canReadLine, Duration.ofSeconds(5), "echo " + i + " while a handler blocks");
                assertEquals("echo " + i, socket.readLine());
            }
        } finally {
            release.countDown();
            slow.unregister();
        }
    }

    private void assertAllBundlesActiveExcept(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (!symbolicName.equals(bundle.getSymbolicName()) && bundle.getHeaders().get("Fragment-Host") == null) {
                assertEquals(bundle.getSymbolicName() + " state", Bundle.ACTIVE, bundle.getState());
            }
        }
    }
}
