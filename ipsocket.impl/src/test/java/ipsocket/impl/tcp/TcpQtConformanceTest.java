package ipsocket.impl.tcp;

import static ipsocket.api.SocketState.CLOSING;
import static ipsocket.api.SocketState.CONNECTED;
import static ipsocket.api.SocketState.CONNECTING;
import static ipsocket.api.SocketState.DISCONNECTED;
import static ipsocket.api.SocketState.HOST_LOOKUP;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.SocketFixture.connect;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.SocketProbe.Kind;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.TestServer.Connection;

/**
 * The client scenarios of Qt's own {@code tst_QTcpSocket} where ipsocket must behave as Qt's
 * {@code QTcpSocket} does (issue 13), written as Qt's tests are: a signal spy
 * ({@link SocketProbe}) records the sequence, and the test compares it. Each test names the Qt
 * test it follows. Loopback peers only; a connection is held in Connecting by a listener whose
 * accept backlog is full (Linux drops the SYN and retries it once the backlog has room).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpQtConformanceTest {

    /** The state changes a socket may make, per state (Qt's QAbstractSocket, plus nothing). */
    private static final Map<SocketState, Set<SocketState>> NEXT_STATES = Map.of(
            DISCONNECTED, EnumSet.of(HOST_LOOKUP),
            HOST_LOOKUP, EnumSet.of(CONNECTING, DISCONNECTED),
            CONNECTING, EnumSet.of(CONNECTED, DISCONNECTED),
            CONNECTED, EnumSet.of(CLOSING, DISCONNECTED),
            CLOSING, EnumSet.of(DISCONNECTED));

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    /**
     * Follows {@code tst_QTcpSocket::disconnectWhileConnecting} ("without-read"): bytes written
     * while connecting, then disconnectFromHost() while still connecting; the connection
     * completes, the bytes arrive, then Closing, Disconnected and disconnected().
     */
    @Test
    void writeAndDisconnectWhileConnectingDeliverTheBytesAndEndWithDisconnected() throws Exception {
        Held held = connectToHeldListener(30_000);
        TcpSocketImpl socket = held.socket();
        SocketProbe probe = held.probe();
        AtomicInteger localPort = rememberLocalPort(socket);

        assertTrue(Set.of(HOST_LOOKUP, CONNECTING).contains(socket.getState()), probe::describe);
        assertTrue(socket.isOpen(), "open from connectToHost() on");
        assertTrue(socket.isWritable(), "writable from connectToHost() on");
        assertEquals(5, socket.write("hello"), probe::describe);
        assertEquals(7, socket.write(", world".getBytes(StandardCharsets.UTF_8)), probe::describe);
        socket.disconnectFromHost();
        assertTrue(Set.of(HOST_LOOKUP, CONNECTING).contains(socket.getState()),
                "the attempt goes on after disconnectFromHost(): " + probe.describe());

        BlockingQueue<Socket> accepted = acceptEverything(held.listener());
        probe.awaitDisconnected(WAIT);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED, CLOSING, DISCONNECTED), probe.states(),
                probe::describe);
        assertEquals(1, probe.connectedCount(), probe::describe);
        assertEquals(1, probe.disconnectedCount(), probe::describe);
        assertEquals(List.of(), probe.errors(), probe::describe);
        assertEquals(DISCONNECTED, socket.getState());
        assertEquals("hello, world", readToEnd(connectionFrom(accepted, localPort.get())));
    }

    /**
     * Follows {@code tst_QTcpSocket::connectToHostError} with data written while connecting: the
     * attempt fails (here: its timeout), the bytes are dropped, and the error says how many.
     */
    @Test
    void writesWhileConnectingAreDroppedWithTheirCountWhenTheAttemptFails() {
        Held held = connectToHeldListener(500);
        TcpSocketImpl socket = held.socket();
        SocketProbe probe = held.probe();
        assertEquals(5, socket.write("hello"), probe::describe);
        probe.awaitError(SocketError.SOCKET_TIMEOUT_ERROR, WAIT);

        assertEquals(DISCONNECTED, socket.getState());
        assertTrue(socket.getErrorString().endsWith("; 5 bytes written while connecting were dropped"),
                socket.getErrorString());
        assertEquals(0, socket.getBytesToWrite());
        assertEquals(-1, socket.write("late"), "not writable once Disconnected");
    }

    /**
     * Follows {@code tst_QTcpSocket::connectionRefused}: stateChanged(Unconnected) comes before
     * errorOccurred, and a listener that reacts to the error sees the final state.
     */
    @Test
    void aRefusedConnectionSignalsTheStateBeforeTheError() {
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        List<SocketState> stateSeenByErrorListener = new CopyOnWriteArrayList<>();
        socket.addListener(new SocketListener() {
            @Override
            public void errorOccurred(IpSocket source, SocketError error, String errorString) {
                stateSeenByErrorListener.add(source.getState());
            }
        });

        socket.connectToHost("127.0.0.1", TestServer.freePort());
        probe.awaitError(SocketError.CONNECTION_REFUSED_ERROR, WAIT);

        assertEquals(List.of(HOST_LOOKUP, CONNECTING, DISCONNECTED), probe.states(), probe::describe);
        assertEquals(List.of(Kind.STATE, Kind.ERROR), lastKinds(probe, 2), probe::describe);
        // the listener after the probe may still be running when the probe has seen the error
        probe.await(() -> !stateSeenByErrorListener.isEmpty(), WAIT, "the second listener heard the error");
        assertEquals(List.of(DISCONNECTED), stateSeenByErrorListener);
        assertEquals(0, probe.disconnectedCount(), "never connected, so no disconnected(): " + probe.describe());
    }

    /**
     * Follows {@code tst_QTcpSocket::connectToHostError} for a timeout: the same order as a
     * refusal, stateChanged(Unconnected) then errorOccurred(SocketTimeoutError).
     */
    @Test
    void aConnectTimeoutSignalsTheStateBeforeTheError() {
        SocketProbe probe = connectToHeldListener(300).probe();
        probe.awaitError(SocketError.SOCKET_TIMEOUT_ERROR, WAIT);

        assertEquals(List.of(HOST_LOOKUP, CONNECTING, DISCONNECTED), probe.states(), probe::describe);
        assertEquals(List.of(Kind.STATE, Kind.ERROR), lastKinds(probe, 2), probe::describe);
    }

    /**
     * Follows {@code tst_QTcpSocket::clientSendDataOnDelayedDisconnect}: disconnectFromHost()
     * after a write ends in Disconnected and disconnected() once the bytes are with the OS,
     * although the peer neither reads nor closes; the peer still gets every byte and then the
     * end of the stream, and connectToHost() right after disconnected() works.
     */
    @Test
    void disconnectedComesOnceTheBytesAreOutEvenWhileThePeerKeepsItsSideOpen() {
        TestServer server = fixture.startServer(TestServer.Mode.IDLE);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);
        connect(socket, probe, server);
        Connection first = server.awaitConnection(WAIT);

        assertEquals(11, socket.write("last words\n"));
        socket.disconnectFromHost();
        // eleven bytes are with the OS at once: nothing holds the socket in Closing
        assertEquals(DISCONNECTED, socket.getState(), probe::describe);
        assertEquals(1, probe.disconnectedCount(), probe::describe);
        assertEquals(List.of(HOST_LOOKUP, CONNECTING, CONNECTED, CLOSING, DISCONNECTED), probe.states(),
                probe::describe);

        socket.connectToHost();
        probe.awaitConnected(2, WAIT);
        Connection second = server.awaitConnection(WAIT);
        assertEquals(List.of(), probe.errors(), "reconnecting right away is no error: " + probe.describe());

        first.startSinking();
        first.awaitEnd(WAIT);
        assertEquals(11, first.received(), "every byte reached the peer");
        assertTrue(first.sawEof(), "the first connection ended with FIN, not a reset");
        assertTrue(!second.ended(), "the second connection is up");
    }

    /**
     * Follows the state checks right after each call in {@code tst_QTcpSocket} (for example
     * {@code abortiveClose}, {@code connectToHostError}): each call's effect is visible in
     * getState() when it returns, from any thread.
     */
    @Test
    void eachCallsEffectIsVisibleWhenItReturns() {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        SocketProbe probe = probe(socket);

        socket.connectToHost("127.0.0.1", server.port());
        assertTrue(Set.of(HOST_LOOKUP, CONNECTING, CONNECTED).contains(socket.getState()), probe::describe);
        probe.awaitConnected(WAIT);
        socket.disconnectFromHost();
        assertTrue(Set.of(CLOSING, DISCONNECTED).contains(socket.getState()), probe::describe);
        probe.awaitDisconnected(WAIT);

        socket.connectToHost();
        probe.awaitConnected(2, WAIT);
        socket.abort();
        assertEquals(DISCONNECTED, socket.getState(), probe::describe);

        socket.connectToHost();
        probe.awaitConnected(3, WAIT);
        socket.close();
        assertTrue(Set.of(CLOSING, DISCONNECTED).contains(socket.getState()), probe::describe);
        probe.awaitDisconnected(3, WAIT);
        assertTrue(!socket.isOpen());
    }

    /**
     * No Qt counterpart (a QTcpSocket lives on one thread): listeners that call back into the
     * socket from every signal, while four threads connect and abort it at once, never deadlock,
     * and the recorded sequence only ever makes the state changes Qt's state machine makes.
     */
    @Test
    void callsFromListenersAndManyThreadsKeepAConsistentSequence() throws Exception {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        TcpSocketImpl socket = fixture.tcpSocket();
        socket.setHostname("127.0.0.1");
        socket.setPort(server.port());
        SocketProbe probe = probe(socket);
        socket.addListener(new SocketListener() {
            @Override
            public void connected(IpSocket source) {
                source.write("ping\n");
                source.getState();
            }

            @Override
            public void readyRead(IpSocket source) {
                source.readAll();
                source.disconnectFromHost(); // takes effect right after this signal
            }

            @Override
            public void stateChanged(IpSocket source, SocketState state) {
                source.isOpen();
            }
        });

        int threads = 4;
        int rounds = 50;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean aborter = t % 2 == 1;
            workers.add(fixture.startThread("caller-" + t, () -> { }, () -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        if (aborter) {
                            socket.abort();
                        } else {
                            socket.connectToHost();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!worker.isAlive(), "a caller is stuck (deadlock?): " + SocketProbe.ioThreadDump());
        }
        assertEquals(List.of(), failures);
        socket.abort();
        assertEquals(DISCONNECTED, socket.getState(), probe::describe);

        List<SocketState> states = probe.states();
        SocketState previous = DISCONNECTED;
        for (SocketState next : states) {
            assertTrue(NEXT_STATES.get(previous).contains(next),
                    "state change " + previous + " -> " + next + " in " + states);
            previous = next;
        }
        assertEquals(probe.connectedCount(), probe.disconnectedCount(),
                "every connection that was made was reported ended: " + probe.describe());
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A socket connecting to a listener that holds it in Connecting, with its probe. */
    private record Held(TcpSocketImpl socket, SocketProbe probe, ServerSocket listener) {
    }

    /** Starts connecting a new socket to a listener whose full backlog holds it in Connecting. */
    private Held connectToHeldListener(int connectTimeoutMillis) {
        ServerSocket listener = fixture.silentListener();
        TcpSocketImpl socket = fixture.tcpSocket();
        socket.setConnectTimeout(connectTimeoutMillis);
        SocketProbe probe = probe(socket);
        socket.connectToHost("127.0.0.1", listener.getLocalPort());
        return new Held(socket, probe, listener);
    }

    /** Records the local port of the socket's connection when it is made. */
    private static AtomicInteger rememberLocalPort(TcpSocketImpl socket) {
        AtomicInteger port = new AtomicInteger();
        socket.addListener(new SocketListener() {
            @Override
            public void connected(IpSocket source) {
                port.set(source.getLocalPort());
            }
        });
        return port;
    }

    /** Accepts every connection of a held listener from now on, on a thread closed after the test. */
    private BlockingQueue<Socket> acceptEverything(ServerSocket listener) {
        BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
        List<Socket> toClose = new CopyOnWriteArrayList<>();
        fixture.closeAfterTest(() -> SocketFixture.closeQuietly(toClose));
        fixture.startThread("acceptor", listener, () -> {
            try {
                while (!listener.isClosed()) {
                    Socket connection = listener.accept();
                    toClose.add(connection);
                    accepted.add(connection);
                }
            } catch (SocketException closed) {
                // the test is over
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return accepted;
    }

    /** Takes the accepted connection whose peer is the given local port of the socket. */
    private static Socket connectionFrom(BlockingQueue<Socket> accepted, int localPort) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Socket next = accepted.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && next.getPort() == localPort) {
                return next;
            }
        }
        throw new AssertionError("no accepted connection from local port " + localPort);
    }

    private static String readToEnd(Socket connection) throws IOException {
        connection.setSoTimeout((int) WAIT.toMillis());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InputStream in = connection.getInputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<Kind> lastKinds(SocketProbe probe, int count) {
        List<Kind> kinds = probe.events().stream().map(SocketProbe.Event::kind)
                .filter(kind -> kind != Kind.PROPERTY).toList();
        return kinds.subList(Math.max(0, kinds.size() - count), kinds.size());
    }
}
