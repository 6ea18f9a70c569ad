package ipsocket.reliability.fault;

import ipsocket.impl.testing.SocketProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;

import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.TcpSocketImpl;

/**
 * Fixture of the fault tests: one event loop group per test, sockets, probes, peer threads and
 * server sockets, all released after each test even when it fails (the latest first).
 */
abstract class FaultTestBase {

    /** Deadline for things that normally take milliseconds. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private static final AtomicInteger IDS = new AtomicInteger();

    private final Deque<AutoCloseable> cleanups = new ArrayDeque<>();
    private EventLoopGroup loops;

    /** @return the test's event loop group (one I/O thread), created on first use */
    EventLoopGroup loops() {
        if (loops == null) {
            loops = new EventLoopGroup(1);
            cleanups.push(loops::close);
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
     * Creates a socket, disposed after the test.
     *
     * @param name a name for the object id
     * @param autoConnect the autoConnect setting
     * @return the socket
     */
    TcpSocketImpl newSocket(String name, boolean autoConnect) {
        TcpSocketImpl socket = new TcpSocketImpl(loops(), name + "-" + IDS.incrementAndGet());
        cleanups.push(socket::dispose);
        socket.setAutoConnect(autoConnect);
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
     * Opens a listening socket on 127.0.0.1, closed after the test.
     *
     * @return the server socket
     */
    ServerSocket listenOnLoopback() {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            return closeAfterTest(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a daemon thread that is unblocked, interrupted and joined after the test.
     *
     * @param name the thread name
     * @param unblock what makes the thread's blocking calls return (closing its sockets)
     * @param body what it runs
     * @return the thread
     */
    Thread startThread(String name, AutoCloseable unblock, Runnable body) {
        Thread thread = new Thread(body, "fault-" + name);
        thread.setDaemon(true);
        closeAfterTest(() -> {
            try {
                unblock.close();
            } finally {
                thread.interrupt();
                thread.join(5000);
            }
        });
        thread.start();
        return thread;
    }

    /**
     * Closes sockets quietly, for {@link #startThread} unblock actions.
     *
     * @param closeables what to close
     */
    static void closeQuietly(Iterable<? extends AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // already closed or broken: either way released
            }
        }
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
        loops = null;
        if (first != null) {
            throw first;
        }
    }
}
