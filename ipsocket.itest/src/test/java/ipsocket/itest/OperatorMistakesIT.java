package ipsocket.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
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
import org.osgi.service.event.Event;

import ipsocket.api.SocketConfig;
import ipsocket.api.SocketEvents;
import ipsocket.api.SocketPids;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;

/**
 * Issue 14, operator mistakes must be loud, in the framework: a bad {@code ipsocket.EventLoop}
 * value is refused with a warning naming key and value while every socket stays connected on
 * the loop's last good threads, and an edit that leaves {@code ioThreads} as it is restarts
 * nothing; unknown keys in a socket configuration are reported (key, file, a hint) without
 * refusing it and without showing private values; a second configuration with the objectId of
 * a live socket is refused, naming both configurations, until the first goes away.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OperatorMistakesIT extends LoggedSocketTestSupport {

    /**
     * Returns the framework set-up.
     *
     * @return the shared options
     */
    @Configuration
    public Option[] configuration() {
        return baseOptions();
    }

    private void awaitWarning(String... parts) {
        awaitCondition(() -> !implWarningsContaining(parts).isEmpty(), TIMEOUT,
                "a warning containing " + List.of(parts) + "; warnings: " + implWarningsContaining());
    }

    private static long ioThreads() {
        return ipsocketThreads().stream().filter(name -> name.startsWith(THREAD_PREFIX + "io-")).count();
    }

    /** Bad, out-of-range and unchanged ioThreads: refused or ignored, sockets stay connected. */
    @Test
    public void badEventLoopValuesAreRefusedAndSocketsStay() throws Exception {
        TcpPeer peer = tcpPeer();
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("loop-a", peer.port()));
        createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("loop-b", peer.port()));
        peer.await(() -> peer.connectionCount() == 2, TIMEOUT, "two connections");
        ServiceReference<TcpSocket> before = awaitSocketReference(TcpSocket.class, "loop-a");
        long threads = ioThreads();

        org.osgi.service.cm.Configuration loop = updateConfiguration(SocketPids.EVENT_LOOP,
                props(SocketConfig.IO_THREADS, (int) threads));
        for (Object bad : List.of("abc", 0, 100_000, "1e3", 2.0)) {
            updateConfiguration(loop, props(SocketConfig.IO_THREADS, bad));
            awaitWarning(SocketPids.EVENT_LOOP, SocketConfig.IO_THREADS + " ", String.valueOf(bad).replace(".0", ""));
        }
        // The same value once more, then a bad one: its warning shows both updates were processed.
        updateConfiguration(loop, props(SocketConfig.IO_THREADS, String.valueOf(threads)));
        updateConfiguration(loop, props(SocketConfig.IO_THREADS, "last"));
        awaitWarning(SocketPids.EVENT_LOOP, "'last'");

        assertEquals("no socket reconnected", 2, peer.connectionCount());
        assertEquals("no connection closed", 2, peer.openCount());
        assertEquals("the last good thread count", threads, ioThreads());
        ServiceReference<TcpSocket> after = awaitSocketReference(TcpSocket.class, "loop-a");
        assertEquals("the same socket service", before.getProperty(Constants.SERVICE_ID),
                after.getProperty(Constants.SERVICE_ID));
        assertEquals(SocketState.CONNECTED, bundleContext.getService(after).getState());
        assertTrue("a warning names the kept thread count: " + implWarningsContaining("'abc'"),
                implWarningsContaining("'abc'").get(0).contains("keeps " + threads + " I/O thread"));
        deleteConfiguration(loop);
    }

    /** Misspelled keys: one warning and error event each, naming key, file and hint; the socket still connects. */
    @Test
    public void unknownKeysAreReportedWithTheirFile() throws Exception {
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        Map<String, Object> configuration = endpoint("misspelled", peer.port());
        configuration.put("hostnmae", "plc1");
        configuration.put("lowdelay", "true");
        configuration.put("felix.fileinstall.filename", "file:/conf/ipsocket.TcpSocket-misspelled.cfg");
        configuration.put(".password", "s3cret-value");
        String pid = createFactoryConfiguration(SocketPids.TCP_SOCKET, configuration).getPid();
        for (String[] expected : new String[][] {{"'hostnmae'", "did you mean hostname?"},
                {"'lowdelay'", "did you mean lowDelay?"}}) {
            Event error = events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, "misspelled")
                    .and(e -> String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains(expected[0])), TIMEOUT);
            String text = String.valueOf(error.getProperty(SocketEvents.ERROR_STRING));
            assertTrue(text, text.contains(expected[1]) && text.contains("ipsocket.TcpSocket-misspelled.cfg")
                    && text.contains(pid));
            awaitWarning(pid, expected[0], "ipsocket.TcpSocket-misspelled.cfg");
        }
        peer.await(() -> peer.connectionCount() == 1, TIMEOUT, "the socket connects anyway");
        assertTrue("no warning about the private key", implWarningsContaining(".password").isEmpty());
        assertTrue("no warning shows a private value", implWarningsContaining("s3cret").isEmpty());
        for (Event event : events.events()) {
            for (String name : event.getPropertyNames()) {
                assertFalse(event.toString(), String.valueOf(event.getProperty(name)).contains("s3cret"));
            }
        }
    }

    /** The second configuration with a live objectId waits, named in an error, until the first goes away. */
    @Test
    public void duplicateObjectIdWaitsForTheFirstToGo() throws Exception {
        TcpPeer peer = tcpPeer();
        EventRecorder events = recordEvents(SocketEvents.TCP_ALL_TOPICS);
        org.osgi.service.cm.Configuration first =
                createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("twin", peer.port()));
        String firstPid = first.getPid();
        awaitSocketReference(TcpSocket.class, "twin");
        peer.await(() -> peer.connectionCount() == 1, TIMEOUT, "the first connects");

        String secondPid = createFactoryConfiguration(SocketPids.TCP_SOCKET, endpoint("twin", peer.port())).getPid();
        Event error = events.awaitEvent(on(SocketEvents.TCP_ERROR_OCCURRED, "twin")
                .and(e -> String.valueOf(e.getProperty(SocketEvents.ERROR_STRING)).contains(secondPid)), TIMEOUT);
        String text = String.valueOf(error.getProperty(SocketEvents.ERROR_STRING));
        assertTrue(text, text.contains(firstPid) && text.contains("already used"));
        awaitWarning(firstPid, secondPid, "already used");
        assertEquals("only the first is registered", 1,
                serviceReferences(TcpSocket.class, "(objectId=twin)").size());
        assertEquals(firstPid, awaitSocketReference(TcpSocket.class, "twin").getProperty(Constants.SERVICE_PID));
        assertEquals("only the first connected", 1, peer.connectionCount());

        deleteConfiguration(first);
        awaitCondition(() -> serviceReferences(TcpSocket.class, "(objectId=twin)").stream()
                .anyMatch(reference -> secondPid.equals(reference.getProperty(Constants.SERVICE_PID))), TIMEOUT,
                "the second registered once the first is gone");
        peer.await(() -> peer.connectionCount() == 2, TIMEOUT, "the second connects");
        assertEquals(1, serviceReferences(TcpSocket.class, "(objectId=twin)").size());
    }
}
