package ipsocket.impl.testing;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import ipsocket.api.SocketState;
import ipsocket.impl.common.AbstractIpSocket;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.udp.UdpSocketImpl;

/**
 * The fixture of every socket test: one event loop group per test (one I/O thread, created on
 * first use), the sockets on it, their probes, and loopback peers (servers, UDP peers, plain
 * listeners, peer threads). After each test, even a failed one, it releases everything, the
 * latest first, and shuts the loop group down last. Register it with
 * {@code @RegisterExtension final SocketFixture fixture = new SocketFixture();}.
 *
 * <p>Its {@code afterEach} runs after the test class's own {@code @AfterEach} methods, as a
 * base class's would.
 */
public final class SocketFixture implements AfterEachCallback {

    private static final AtomicInteger SOCKET_IDS = new AtomicInteger();

    private final Cleanups cleanups = new Cleanups();
    private EventLoopGroup loops;

    /** @return the test's event loop group (one I/O thread), created on first use */
    public EventLoopGroup loops() {
        if (loops == null) {
            loops = new EventLoopGroup(1);
        }
        return loops;
    }

    /**
     * Shuts the test's event loop group down now, for a test that measures what that gives
     * back; a later {@link #loops()} starts a new one.
     */
    public void closeLoops() {
        if (loops != null) {
            EventLoopGroup closing = loops;
            loops = null;
            closing.close();
        }
    }

    /**
     * Registers something to close after the test, before what was registered earlier.
     *
     * @param <T> its type
     * @param closeable what to close
     * @return the same object
     */
    public <T extends AutoCloseable> T closeAfterTest(T closeable) {
        return cleanups.push(closeable);
    }

    /**
     * Closes something registered with {@link #closeAfterTest} now, for a test that measures
     * what closing it gives back.
     *
     * @param closeable the object
     */
    public void closeNow(AutoCloseable closeable) {
        cleanups.closeNow(closeable);
    }

    /**
     * Registers a socket to dispose after the test.
     *
     * @param <S> its type
     * @param socket the socket, made on {@link #loops()}
     * @return the same socket
     */
    public <S extends AbstractIpSocket> S disposeAfterTest(S socket) {
        cleanups.push(socket::dispose);
        return socket;
    }

    /**
     * Creates a TLS socket with autoConnect off (nothing happens until the test asks), disposed
     * after the test.
     *
     * @return the socket, its id {@code tls-<n>}
     */
    public ipsocket.impl.tls.SslSocketImpl sslSocket() {
        ipsocket.impl.tls.SslSocketImpl socket = disposeAfterTest(
                new ipsocket.impl.tls.SslSocketImpl(loops(), "tls-" + SOCKET_IDS.incrementAndGet()));
        socket.setAutoConnect(false);
        return socket;
    }

    /**
     * Creates a TCP socket with autoConnect off (nothing happens until the test asks),
     * disposed after the test.
     *
     * @return the socket, its id {@code test-<n>}
     */
    public TcpSocketImpl tcpSocket() {
        return tcpSocket("test", false);
    }

    /**
     * Creates a TCP socket with autoConnect left at its default (on), disposed after the test.
     *
     * @return the socket, its id {@code auto-<n>}
     */
    public TcpSocketImpl autoTcpSocket() {
        return disposeAfterTest(new TcpSocketImpl(loops(), "auto-" + SOCKET_IDS.incrementAndGet()));
    }

    /**
     * Creates a TCP socket, disposed after the test.
     *
     * @param name the start of its object id
     * @param autoConnect the autoConnect setting
     * @return the socket, its id {@code <name>-<n>}
     */
    public TcpSocketImpl tcpSocket(String name, boolean autoConnect) {
        TcpSocketImpl socket = disposeAfterTest(new TcpSocketImpl(loops(), name + "-" + SOCKET_IDS.incrementAndGet()));
        socket.setAutoConnect(autoConnect);
        return socket;
    }

    /**
     * Creates a UDP socket with autoConnect off (nothing happens until the test asks),
     * disposed after the test.
     *
     * @return the socket, its id {@code udp-<n>}
     */
    public UdpSocketImpl udpSocket() {
        UdpSocketImpl socket = disposeAfterTest(new UdpSocketImpl(loops(), "udp-" + SOCKET_IDS.incrementAndGet()));
        socket.setAutoConnect(false);
        return socket;
    }

    /**
     * Creates a UDP socket with autoConnect left at its default (on), disposed after the test.
     *
     * @return the socket, its id {@code udp-auto-<n>}
     */
    public UdpSocketImpl autoUdpSocket() {
        return disposeAfterTest(new UdpSocketImpl(loops(), "udp-auto-" + SOCKET_IDS.incrementAndGet()));
    }

    /**
     * Adds a new probe to a socket.
     *
     * @param socket the socket
     * @return the probe
     */
    public static SocketProbe probe(AbstractIpSocket socket) {
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
    public TestServer startServer(TestServer.Mode mode) {
        return closeAfterTest(TestServer.start(mode));
    }

    /**
     * Starts a peer on a loopback address, closed after the test.
     *
     * @param address the loopback address to listen on
     * @param mode what it does with connections
     * @return the server
     */
    public TestServer startServer(InetAddress address, TestServer.Mode mode) {
        return closeAfterTest(TestServer.start(address, mode));
    }

    /**
     * Starts a loopback peer with the given socket buffer sizes, closed after the test.
     *
     * @param address the loopback address to listen on
     * @param mode what it does with connections
     * @param sendBufferSize SO_SNDBUF of accepted connections, 0 for the default
     * @param receiveBufferSize SO_RCVBUF of accepted connections, 0 for the default
     * @return the server
     */
    public TestServer startServer(InetAddress address, TestServer.Mode mode, int sendBufferSize,
            int receiveBufferSize) {
        return closeAfterTest(TestServer.start(address, mode, sendBufferSize, receiveBufferSize));
    }

    /**
     * Binds a plain UDP peer to a loopback literal, closed after the test.
     *
     * @param host {@link Loopback#V4}, {@link Loopback#V6} or the wildcard {@code 0.0.0.0}
     * @return the peer
     */
    public UdpPeer udpPeer(String host) {
        return closeAfterTest(UdpPeer.bind(host));
    }

    /**
     * Opens a plain listening socket on 127.0.0.1 on a port chosen by the OS, closed after the
     * test.
     *
     * @param backlog its accept backlog
     * @return the server socket
     */
    public ServerSocket listen(int backlog) {
        try {
            ServerSocket server = closeAfterTest(new ServerSocket());
            server.bind(new InetSocketAddress(Loopback.ip(Loopback.V4), 0), backlog);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a listener on 127.0.0.1 that never accepts, its backlog of 1 filled so that Linux
     * drops further SYNs: a connection attempt to it hangs until its timeout. Skips the test on
     * a platform that completes connections beyond the backlog. Everything is closed after the
     * test.
     *
     * @return the listener
     */
    public ServerSocket silentListener() {
        ServerSocket silent = listen(1);
        boolean full = false;
        for (int i = 0; i < 64 && !full; i++) {
            Socket filler = closeAfterTest(new Socket());
            try {
                filler.connect(silent.getLocalSocketAddress(), 300);
            } catch (SocketTimeoutException dropped) {
                full = true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assumeTrue(full, "this platform completes connections beyond the accept backlog");
        return silent;
    }

    /**
     * Starts a daemon peer thread that is unblocked, interrupted and joined after the test.
     *
     * @param name the thread name, after {@code fault-}
     * @param unblock what makes the thread's blocking calls return (closing its sockets)
     * @param body what it runs
     * @return the thread
     */
    public Thread startThread(String name, AutoCloseable unblock, Runnable body) {
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
    public static void closeQuietly(Iterable<? extends AutoCloseable> closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // already closed or broken: either way released
            }
        }
    }

    /**
     * Connects a TCP socket (autoConnect off) to a server and waits until it is connected.
     *
     * @param socket the socket
     * @param probe the socket's probe
     * @param server the peer
     */
    public static void connect(TcpSocketImpl socket, SocketProbe probe, TestServer server) {
        socket.connectToHost(server.host(), server.port());
        probe.awaitConnected(WAIT);
        assertEquals(SocketState.CONNECTED, socket.getState(), () -> probe.describe());
    }

    /**
     * Binds a UDP socket (autoConnect off) to a local address and a port chosen by the OS, and
     * waits until it is bound.
     *
     * @param socket the socket
     * @param probe its probe
     * @param localAddress the address literal, or the empty string for the wildcard
     */
    public static void bindTo(UdpSocketImpl socket, SocketProbe probe, String localAddress) {
        socket.setLocalAddress(localAddress);
        socket.setLocalPort(0);
        bindNow(socket, probe);
    }

    /**
     * Binds a UDP socket as configured and waits until it is bound.
     *
     * @param socket the socket
     * @param probe its probe
     */
    public static void bindNow(UdpSocketImpl socket, SocketProbe probe) {
        assertEquals(true, socket.bind(), () -> "bind() refused: " + probe.describe());
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(SocketState.BOUND, socket.getState(), probe::describe);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Throwable failure = null;
        try {
            cleanups.close();
        } catch (Exception | AssertionError e) {
            failure = e;
        }
        try {
            closeLoops();
        } catch (RuntimeException e) {
            failure = Cleanups.collect(failure, e);
        }
        Cleanups.rethrow(failure);
    }
}
