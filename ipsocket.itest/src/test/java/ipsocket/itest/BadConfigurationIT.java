package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
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
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;

import ipsocket.api.IoDevice;
import ipsocket.api.SocketConfig;
import ipsocket.api.SocketError;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;

/**
 * Proves CONTRACT.md §2's rule for bad values: for every configuration key of both socket
 * kinds, a bad value (wrong type, out of range, empty, unknown protocol name "IPX") never stops
 * the component: the socket is still registered, posts ERROR_OCCURRED with the right seed error
 * (hostname: EmptyHostNameError, or HostNotFoundError for text that names no host such as
 * "http://x"; port: PortNumberOutOfRangeError, local address/port and multicast keys: SocketAddressNotAvailableError, all others: UnsupportedSocketOperationError),
 * its error.code, and an errorString naming the key, and exactly one warning naming the
 * configuration is logged through the OSGi log. A bad value in a live update behaves the same,
 * and afterwards the framework is intact: every bundle active, no component failed, and good
 * configurations still connect.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BadConfigurationIT extends LoggedSocketTestSupport {
    private static final int HOST = SocketError.EMPTY_HOST_NAME_ERROR.value();
    private static final int PORT = SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR.value();
    private static final int ADDRESS = SocketError.SOCKET_ADDRESS_NOT_AVAILABLE_ERROR.value();
    private static final int UNSUPPORTED = SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR.value();
    private static final int NOT_FOUND = SocketError.HOST_NOT_FOUND_ERROR.value();

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    /** One bad value of one key, and the error it must end in. */
    private static final class Case {
        final String factoryPid;
        final String key;
        final Object value;
        final int errorCode;
        String pid;
        String objectId;

        Case(String factoryPid, String key, Object value, int errorCode) {
            this.factoryPid = factoryPid;
            this.key = key;
            this.value = value;
            this.errorCode = errorCode;
        }

        @Override
        public String toString() {
            String shown = value instanceof String[] ? String.join(",", (String[]) value) : String.valueOf(value);
            return factoryPid.substring("ipsocket.".length()) + " " + key + "=" + shown + " ("
                    + (value == null ? "null" : value.getClass().getSimpleName()) + ")";
        }
    }

    private static List<Case> tcpCases() {
        String tcp = SocketPids.TCP_SOCKET;
        return List.of(
                new Case(tcp, SocketConfig.HOSTNAME, "", HOST),
                new Case(tcp, SocketConfig.HOSTNAME, "   ", HOST),
                new Case(tcp, SocketConfig.HOSTNAME, 42, HOST),
                new Case(tcp, SocketConfig.PORT, 70000, PORT),
                new Case(tcp, SocketConfig.PORT, "70000", PORT),
                new Case(tcp, SocketConfig.PORT, 0, PORT),
                new Case(tcp, SocketConfig.PORT, -5, PORT),
                new Case(tcp, SocketConfig.PORT, "abc", PORT),
                new Case(tcp, SocketConfig.PORT, Boolean.TRUE, PORT),
                new Case(tcp, SocketConfig.PROTOCOL, "IPX", UNSUPPORTED),
                new Case(tcp, SocketConfig.PROTOCOL, 7, UNSUPPORTED),
                new Case(tcp, SocketConfig.PROTOCOL, "UnknownProtocol", UNSUPPORTED),
                new Case(tcp, SocketConfig.PROTOCOL, "", UNSUPPORTED),
                new Case(tcp, SocketConfig.AUTO_CONNECT, "maybe", UNSUPPORTED),
                new Case(tcp, SocketConfig.KEEP_ALIVE, "yes", UNSUPPORTED),
                new Case(tcp, SocketConfig.LOW_DELAY, 1, UNSUPPORTED),
                new Case(tcp, SocketConfig.MULTICAST_LOOPBACK, "on", UNSUPPORTED),
                new Case(tcp, SocketConfig.MULTICAST_TTL, 256, UNSUPPORTED),
                new Case(tcp, SocketConfig.PATH_MTU, 100, UNSUPPORTED),
                new Case(tcp, SocketConfig.RECEIVE_BUFFER_SIZE, -1, UNSUPPORTED),
                new Case(tcp, SocketConfig.SEND_BUFFER_SIZE, "big", UNSUPPORTED),
                new Case(tcp, SocketConfig.TYPE_OF_SERVICE, 300, UNSUPPORTED),
                new Case(tcp, SocketConfig.LOCAL_ADDRESS, 5, ADDRESS),
                new Case(tcp, SocketConfig.LOCAL_ADDRESS, "not-an-address", ADDRESS),
                new Case(tcp, SocketConfig.LOCAL_PORT, 70000, ADDRESS),
                new Case(tcp, SocketConfig.CONNECT_TIMEOUT, 0, UNSUPPORTED),
                new Case(tcp, SocketConfig.RECONNECT_MIN_INTERVAL, -1, UNSUPPORTED),
                new Case(tcp, SocketConfig.RECONNECT_MAX_INTERVAL, "soon", UNSUPPORTED),
                new Case(tcp, SocketConfig.PUBLISH_DATA, "sometimes", UNSUPPORTED),
                new Case(tcp, SocketConfig.READ_BUFFER_LIMIT, 0, UNSUPPORTED),
                new Case(tcp, SocketConfig.WRITE_BUFFER_LIMIT, -1, UNSUPPORTED),
                new Case(tcp, SocketConfig.MAX_LINE_LENGTH, 0, UNSUPPORTED),
                new Case(tcp, SocketConfig.READ_ONLY, "no way", UNSUPPORTED),
                new Case(tcp, SocketConfig.KEEP_ALIVE_IDLE, 40000, UNSUPPORTED),
                new Case(tcp, SocketConfig.KEEP_ALIVE_INTERVAL, -1, UNSUPPORTED),
                new Case(tcp, SocketConfig.KEEP_ALIVE_COUNT, 200, UNSUPPORTED),
                new Case(tcp, SocketConfig.LINGER, -2, UNSUPPORTED),
                new Case(tcp, SocketConfig.CONNECTION_ATTEMPT_DELAY, 5, UNSUPPORTED),
                // issue 14: lenient numbers, hostnames that are no host, crossed reconnect bounds
                new Case(tcp, SocketConfig.PORT, "5020.0", PORT),
                new Case(tcp, SocketConfig.PORT, "1e3", PORT),
                new Case(tcp, SocketConfig.PORT, "\u0665\u0660\u0662\u0660", PORT),
                new Case(tcp, SocketConfig.CONNECT_TIMEOUT, "1e3", UNSUPPORTED),
                new Case(tcp, SocketConfig.PROTOCOL, "\u0662", UNSUPPORTED),
                new Case(tcp, SocketConfig.HOSTNAME, "http://x", NOT_FOUND),
                new Case(tcp, SocketConfig.HOSTNAME, "plc 1", NOT_FOUND),
                new Case(tcp, SocketConfig.RECONNECT_MIN_INTERVAL, 999_999, UNSUPPORTED));
    }

    private static List<Case> udpCases() {
        String udp = SocketPids.UDP_SOCKET;
        return List.of(
                new Case(udp, SocketConfig.HOSTNAME, "", HOST),
                new Case(udp, SocketConfig.HOSTNAME, 42, HOST),
                new Case(udp, SocketConfig.PORT, 70000, PORT),
                new Case(udp, SocketConfig.PORT, "x", PORT),
                new Case(udp, SocketConfig.PROTOCOL, "IPX", UNSUPPORTED),
                new Case(udp, SocketConfig.MULTICAST_GROUPS, "10.1.2.3", ADDRESS),
                new Case(udp, SocketConfig.MULTICAST_GROUPS, new String[] {"239.1.2.3", "not-a-group"}, ADDRESS),
                new Case(udp, SocketConfig.MULTICAST_GROUPS, 7, ADDRESS),
                new Case(udp, SocketConfig.MULTICAST_INTERFACE, 3, ADDRESS),
                new Case(udp, SocketConfig.BROADCAST, "perhaps", UNSUPPORTED),
                new Case(udp, SocketConfig.RECEIVE_QUEUE_LIMIT, 0, UNSUPPORTED),
                new Case(udp, SocketConfig.LOCAL_PORT, -1, ADDRESS),
                new Case(udp, SocketConfig.LOCAL_ADDRESS, Boolean.TRUE, ADDRESS),
                new Case(udp, SocketConfig.MULTICAST_TTL, "x", UNSUPPORTED),
                new Case(udp, SocketConfig.AUTO_CONNECT, 2, UNSUPPORTED),
                new Case(udp, SocketConfig.MULTICAST_LOOPBACK, "x", UNSUPPORTED),
                new Case(udp, SocketConfig.PORT, "502.0", PORT),
                new Case(udp, SocketConfig.RECEIVE_QUEUE_LIMIT, "1e3", UNSUPPORTED));
    }

    private String topicPrefix(Case badCase) {
        return badCase.factoryPid.equals(SocketPids.TCP_SOCKET) ? SocketEvents.TCP_TOPIC_PREFIX
                : SocketEvents.UDP_TOPIC_PREFIX;
    }

    private boolean matches(Case badCase, Event event) {
        Object text = event.getProperty(SocketEvents.ERROR_STRING);
        return event.getTopic().equals(topicPrefix(badCase) + SocketEvents.ERROR_OCCURRED)
                && badCase.objectId.equals(event.getProperty(SocketEvents.OBJECT_ID))
                && Integer.valueOf(badCase.errorCode).equals(event.getProperty(SocketEvents.ERROR_CODE))
                && SocketError.fromValue(badCase.errorCode).seedName().equals(event.getProperty(SocketEvents.ERROR))
                && text instanceof String && ((String) text).contains(badCase.key);
    }

    private List<String> warningsAbout(String pid) {
        return implWarningsContaining(pid);
    }

    /**
     * Creates one socket configuration per bad value, each otherwise good (a loopback peer).
     *
     * @param prefix object id prefix, unique per test
     * @param tcpPeer the TCP sockets' peer
     * @param udpPeer the UDP sockets' peer
     * @return the cases with their object ids and PIDs
     * @throws IOException if a configuration cannot be stored
     */
    private List<Case> configureEveryBadValue(String prefix, TcpPeer tcpPeer, UdpPeer udpPeer) throws IOException {
        List<Case> cases = new ArrayList<>(tcpCases());
        cases.addAll(udpCases());
        int n = 0;
        for (Case badCase : cases) {
            badCase.objectId = prefix + (n++);
            boolean tcp = badCase.factoryPid.equals(SocketPids.TCP_SOCKET);
            Map<String, Object> configuration = endpoint(badCase.objectId, tcp ? tcpPeer.port() : udpPeer.port());
            configuration.put(badCase.key, badCase.value);
            badCase.pid = createFactoryConfiguration(badCase.factoryPid, configuration).getPid();
        }
        return cases;
    }

    /** Every key with bad values, TCP and UDP: the right error event, a live component, an intact framework. */
    @Test
    public void badValueOfEveryKeyEndsInItsError() throws Exception {
        TcpPeer tcpPeer = tcpPeer();
        UdpPeer udpPeer = udpPeer();
        EventRecorder events = recordEvents(SocketEvents.ALL_TOPICS);
        List<Case> cases = configureEveryBadValue("bad-", tcpPeer, udpPeer);

        List<String> problems = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (Case badCase : cases) {
            long remaining = Math.max(0, deadline - System.nanoTime());
            try {
                events.awaitEvent(e -> matches(badCase, e), Duration.ofNanos(remaining));
            } catch (AssertionError missing) {
                problems.add(badCase + ": no ERROR_OCCURRED with " + SocketError.fromValue(badCase.errorCode).seedName()
                        + " naming '" + badCase.key + "'; its error events:"
                        + describe(eventsOf(events, badCase.objectId).stream()
                                .filter(e -> e.getTopic().endsWith(SocketEvents.ERROR_OCCURRED))
                                .collect(Collectors.toList())));
            }
            try {
                // the error may be posted before the component has registered the socket
                awaitCondition(() -> !serviceReferences(IoDevice.class, "(objectId=" + badCase.objectId + ")").isEmpty(),
                        Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), "socket " + badCase.objectId);
            } catch (AssertionError notRegistered) {
                problems.add(badCase + ": the socket is not registered (component not active?)");
            }
        }
        assertTrue(problems.size() + " of " + cases.size() + " bad values not handled as the contract says:\n  "
                + String.join("\n  ", problems), problems.isEmpty());
        assertFrameworkIntact(tcpPeer);
    }

    /** Every bad value is logged once, as one warning in the OSGi log naming the configuration and the key. */
    @Test
    public void everyBadValueLogsOneWarning() throws Exception {
        TcpPeer tcpPeer = tcpPeer();
        UdpPeer udpPeer = udpPeer();
        List<Case> cases = configureEveryBadValue("logged-", tcpPeer, udpPeer);
        for (Case badCase : cases) {
            awaitService(IoDevice.class, "(objectId=" + badCase.objectId + ")", TIMEOUT);
        }
        List<String> problems = new ArrayList<>();
        for (Case badCase : cases) {
            try {
                awaitCondition(() -> !warningsAbout(badCase.pid).isEmpty(), Duration.ofSeconds(10),
                        "a warning naming " + badCase.pid);
            } catch (AssertionError missing) {
                problems.add(badCase + ": no warning in the OSGi log naming configuration " + badCase.pid);
                continue;
            }
            List<String> lines = warningsAbout(badCase.pid);
            if (lines.size() != 1 || !lines.get(0).contains(badCase.key)) {
                problems.add(badCase + ": expected one warning naming the key, got " + lines.size() + ": " + lines);
            }
        }
        assertTrue(problems.size() + " of " + cases.size() + " bad values not logged as one line:\n  "
                + String.join("\n  ", problems), problems.isEmpty());
    }

    /** objectId of a wrong type: the socket falls back to its PID and reports the bad value. */
    @Test
    public void objectIdOfWrongTypeIsReported() throws Exception {
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        Map<String, Object> configuration = endpoint("ignored", peer.port());
        configuration.put(SocketConfig.OBJECT_ID, 42);
        String pid = createFactoryConfiguration(SocketPids.TCP_SOCKET, configuration).getPid();
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + pid + ")", TIMEOUT);
        assertEquals(pid, socket.getObjectId());
        events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, pid)
                .and(e -> String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains(SocketConfig.OBJECT_ID)),
                Duration.ofSeconds(5));
    }

    /** A bad value in a live update: error and disconnect; a good update afterwards reconnects. */
    @Test
    public void badValueInLiveUpdate() throws Exception {
        String id = "bad-live";
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        org.osgi.service.cm.Configuration configuration =
                createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint(id, peer.port()));
        TcpSocket socket = awaitService(TcpSocket.class, "(objectId=" + id + ")", TIMEOUT);
        TcpPeer.Connection first = peer.awaitConnection(0, TIMEOUT);
        events.awaitEvent(on(SocketEvents.TCP_CONNECTED, id), TIMEOUT);

        Map<String, Object> bad = endpoint(id, peer.port());
        bad.put(SocketConfig.PORT, "70000");
        updateConfiguration(configuration, bad);
        Event error = events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, id)
                .and(e -> Integer.valueOf(PORT).equals(e.getProperty(SocketEvents.ERROR_CODE))), TIMEOUT);
        assertTrue(String.valueOf(error.getProperty(SocketEvents.ERROR_STRING)),
                String.valueOf(error.getProperty(SocketEvents.ERROR_STRING)).contains("70000"));
        peer.await(() -> peer.endOfStream(first), TIMEOUT, "the old connection closed");
        awaitCondition(() -> socket.getState() == SocketState.DISCONNECTED, TIMEOUT, "disconnected");
        assertEquals(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, socket.getError());
        assertEquals(1, serviceReferences(TcpSocket.class, "(objectId=" + id + ")").size());

        updateConfiguration(configuration, endpoint(id, peer.port()));
        peer.awaitConnection(1, TIMEOUT);
        awaitCondition(() -> socket.getState() == SocketState.CONNECTED, TIMEOUT, "connected again");
    }

    private void assertFrameworkIntact(TcpPeer peer) throws Exception {
        assertAllBundlesActive();
        ServiceComponentRuntime scr = awaitService(ServiceComponentRuntime.class, null, TIMEOUT);
        List<String> failed = new ArrayList<>();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(implBundle())) {
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    failed.add(description.name + ": " + configuration.failure);
                }
            }
        }
        assertTrue("components failed: " + failed, failed.isEmpty());
        int before = peer.connectionCount();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("good-after-bad", peer.port()));
        TcpSocket good = awaitService(TcpSocket.class, "(objectId=good-after-bad)", TIMEOUT);
        awaitCondition(() -> good.getState() == SocketState.CONNECTED, TIMEOUT, "a good socket connects");
        peer.await(() -> peer.connectionCount() > before, TIMEOUT, "a new connection");
    }
}
