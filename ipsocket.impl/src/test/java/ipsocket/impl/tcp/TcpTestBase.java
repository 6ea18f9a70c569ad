package ipsocket.impl.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;

import ipsocket.api.SocketState;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestServer;

/**
 * Fixture shared by the TCP socket tests: an event loop group, sockets, probes and loopback
 * peers, all released after each test even when it fails.
 */
abstract class TcpTestBase {

    /** Deadline for things that normally take milliseconds. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private static final AtomicInteger SOCKET_IDS = new AtomicInteger();

    private final Deque<AutoCloseable> cleanups = new ArrayDeque<>();
    private EventLoopGroup loops;

    /** @return the test's event loop group (one I/O thread), created on first use */
    EventLoopGroup loops() {
        if (loops == null) {
            loops = new EventLoopGroup(1);
        }
        return loops;
    }

    /**
     * Registers something to close after the test, before what was registered earlier.
     *
     * @param <T> its type
     * @param closeable what to close
     * @return the same object
     */
    <T extends AutoCloseable> T closeAfterTest(T closeable) {
        cleanups.push(closeable);
        return closeable;
    }

    /**
     * Creates a socket with autoConnect off, disposed after the test.
     *
     * @return the socket
     */
    TcpSocketImpl newSocket() {
        TcpSocketImpl socket = new TcpSocketImpl(loops(), "test-" + SOCKET_IDS.incrementAndGet());
        cleanups.push(socket::dispose);
        socket.setAutoConnect(false);
        return socket;
    }

    /**
     * Creates a socket with autoConnect left at its default (on), disposed after the test.
     *
     * @return the socket
     */
    TcpSocketImpl newAutoSocket() {
        TcpSocketImpl socket = new TcpSocketImpl(loops(), "auto-" + SOCKET_IDS.incrementAndGet());
        cleanups.push(socket::dispose);
        return socket;
    }

    /**
     * Adds a new probe to a socket.
     *
     * @param socket the socket
     * @return the probe
     */
    static SocketProbe probe(TcpSocketImpl socket) {
        SocketProbe probe = new SocketProbe();
        socket.addListener(probe);
        return probe;
    }

    /**
     * Starts a loopback peer on 127.0.0.1, closed after the test.
     *
     * @param mode what it does with connections
     * @return the server
     */
    TestServer startServer(TestServer.Mode mode) {
        return closeAfterTest(TestServer.start(mode));
    }

    /**
     * Connects a socket (autoConnect off) to a server and waits until it is connected.
     *
     * @param socket the socket
     * @param probe the socket's probe
     * @param server the peer
     */
    static void connect(TcpSocketImpl socket, SocketProbe probe, TestServer server) {
        socket.connectToHost(server.host(), server.port());
        probe.awaitConnected(WAIT);
        assertEquals(SocketState.CONNECTED, socket.getState(), () -> probe.describe());
    }

    @AfterEach
    final void releaseEverything() throws Exception {
        Exception first = null;
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().close();
            } catch (Exception | AssertionError e) {
                Exception wrapped = e instanceof Exception ex ? ex : new Exception(e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        if (loops != null) {
            try {
                loops.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
            loops = null;
        }
        if (first != null) {
            throw first;
        }
    }
}
