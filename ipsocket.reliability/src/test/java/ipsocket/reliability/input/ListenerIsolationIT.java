package ipsocket.reliability.input;

import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketError;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.api.UdpSocket;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.SocketProbe.Kind;
import ipsocket.impl.testing.TestServer;
import ipsocket.impl.testing.UdpPeer;
import ipsocket.impl.udp.UdpSocketImpl;
import ipsocket.reliability.kit.UncaughtExceptions;

/**
 * Nothing escapes as an uncaught exception, and a listener that throws from every callback
 * does not hurt (issue 8, bad input; SocketListener: "An exception thrown by a callback is
 * logged and does not affect the socket or other listeners"): with such a listener registered
 * first, a TCP socket connects, echoes, reads lines, reports a peer close and a refused
 * connection, reconnects and closes; a UDP socket receives datagrams; a second listener gets
 * exactly the signals the thrower got; the I/O thread lives on; the default uncaught-exception
 * handler records nothing.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ListenerIsolationIT {

    /** Registered before the fixture, so it sees what escapes while the fixture releases the sockets. */
    @RegisterExtension
    @Order(1)
    final UncaughtExceptions uncaught = new UncaughtExceptions();

    @RegisterExtension
    @Order(2)
    final SocketFixture fixture = new SocketFixture();

    /** Counts every callback, then throws what the supplier gives. */
    static final class Thrower implements SocketListener {
        final Map<Kind, Integer> calls = new EnumMap<>(Kind.class);
        private final Supplier<? extends Throwable> failure;

        Thrower(Supplier<? extends Throwable> failure) {
            this.failure = failure;
        }

        synchronized int calls(Kind kind) {
            return calls.getOrDefault(kind, 0);
        }

        private void fail(Kind kind) {
            synchronized (this) {
                calls.merge(kind, 1, Integer::sum);
            }
            Throwable thrown = failure.get();
            if (thrown instanceof RuntimeException) {
                throw (RuntimeException) thrown;
            }
            throw (Error) thrown;
        }

        @Override
        public void connected(IpSocket socket) {
            fail(Kind.CONNECTED);
        }

        @Override
        public void disconnected(IpSocket socket) {
            fail(Kind.DISCONNECTED);
        }

        @Override
        public void errorOccurred(IpSocket socket, SocketError error, String errorString) {
            fail(Kind.ERROR);
        }

        @Override
        public void readyRead(IpSocket socket) {
            fail(Kind.READY_READ);
        }

        @Override
        public void lineAvailableForRead(IpSocket socket) {
            fail(Kind.LINE_AVAILABLE);
        }

        @Override
        public void stateChanged(IpSocket socket, SocketState state) {
            fail(Kind.STATE);
        }

        @Override
        public void datagramReceived(UdpSocket socket, UdpDatagram datagram) {
            fail(Kind.DATAGRAM);
        }

        @Override
        public void propertyChanged(IpSocket socket, String name, Object oldValue, Object newValue) {
            fail(Kind.PROPERTY);
        }

        @Override
        public void bytesWritten(IpSocket socket, long bytes) {
            fail(Kind.BYTES_WRITTEN);
        }
    }

    private TcpSocketImpl tcpSocket(String id) {
        TcpSocketImpl socket = fixture.disposeAfterTest(new TcpSocketImpl(fixture.loops(), id));
        socket.setAutoConnect(false);
        return socket;
    }

    @Test
    void tcpSocketKeepsWorkingWhenAListenerThrowsFromEveryCallback() {
        Thrower thrower = new Thrower(() -> new IllegalStateException("thrown by a listener on purpose"));
        TcpSocketImpl socket = tcpSocket("throwing-listener-tcp");
        SocketProbe probe = new SocketProbe();
        socket.addListener(thrower); // first, so that every other listener comes after it
        socket.addListener(probe);
        exerciseTcp(socket, probe);

        for (Kind kind : new Kind[] {Kind.CONNECTED, Kind.DISCONNECTED, Kind.ERROR, Kind.READY_READ,
                Kind.LINE_AVAILABLE, Kind.STATE, Kind.PROPERTY, Kind.BYTES_WRITTEN}) {
            assertTrue(thrower.calls(kind) > 0, "the throwing listener was called for " + kind);
            // the listener after the thrower gets the same signals (once the loop is past both)
            probe.await(() -> thrower.calls(kind) == probe.count(kind), WAIT, "the same signals " + kind);
        }
        assertIoThreadAlive(probe);
        System.out.printf("FIGURES throwing-listener tcp throws=%s%n", thrower.calls);
    }

    /** Connect, echo lines, peer close, refused connect, reconnect, echo again, close. */
    private void exerciseTcp(TcpSocketImpl socket, SocketProbe probe) {
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        socket.setKeepAlive(true);
        socket.connectToHost("127.0.0.1", server.port());
        probe.awaitConnected(WAIT);
        TestServer.Connection first = server.awaitConnection(WAIT);
        assertEquals(6L, socket.write("hello\n"));
        probe.await(socket::canReadLine, WAIT, "the echo");
        assertEquals("hello", socket.readLine());
        probe.await(() -> probe.count(Kind.BYTES_WRITTEN) > 0, WAIT, "bytesWritten");

        first.close();
        probe.awaitError(SocketError.REMOTE_HOST_CLOSED_ERROR, WAIT);
        probe.awaitDisconnected(WAIT);

        socket.connectToHost("127.0.0.1", TestServer.freePort());
        probe.awaitError(SocketError.CONNECTION_REFUSED_ERROR, WAIT);
        probe.await(() -> socket.getState() == SocketState.DISCONNECTED, WAIT, "disconnected after refusal");

        socket.connectToHost("127.0.0.1", server.port());
        probe.awaitConnected(2, WAIT);
        assertEquals(6L, socket.write("again\n"));
        probe.await(socket::canReadLine, WAIT, "the second echo");
        assertEquals("again", socket.readLine());
        socket.disconnectFromHost();
        probe.awaitDisconnected(2, WAIT);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
    }

    @Test
    void udpSocketKeepsReceivingWhenAListenerThrowsFromEveryCallback() {
        Thrower thrower = new Thrower(() -> new IllegalArgumentException("thrown by a listener on purpose"));
        UdpSocketImpl socket = fixture.disposeAfterTest(new UdpSocketImpl(fixture.loops(), "throwing-listener-udp"));
        socket.setAutoConnect(false);
        socket.setLocalAddress("127.0.0.1");
        SocketProbe probe = new SocketProbe();
        socket.addListener(thrower);
        socket.addListener(probe);
        socket.bind();
        probe.awaitState(SocketState.BOUND, WAIT);
        UdpPeer peer = fixture.udpPeer("127.0.0.1");
        for (int i = 1; i <= 3; i++) {
            peer.send("datagram " + i + "\n", "127.0.0.1", socket.getLocalPort());
            int expected = i;
            probe.await(() -> probe.count(Kind.DATAGRAM) == expected, WAIT, "datagram " + i);
            assertEquals("datagram " + i + "\n", socket.readDatagram().getPayloadText());
        }
        assertTrue(socket.writeDatagram(UdpDatagram.to("127.0.0.1", peer.port(),
                "reply".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertEquals("reply", peer.receive(WAIT).text());
        for (Kind kind : new Kind[] {Kind.DATAGRAM, Kind.READY_READ, Kind.LINE_AVAILABLE, Kind.STATE,
                Kind.PROPERTY}) {
            assertTrue(thrower.calls(kind) > 0, "the throwing listener was called for " + kind);
            // the loop thread may be between the two listeners of the last signal right now
            probe.await(() -> thrower.calls(kind) == probe.count(kind), WAIT, "the same signals " + kind);
        }
        assertIoThreadAlive(probe);
    }

    /**
     * Fixed bug (see docs/SECURITY.md): {@code ListenerSupport} isolates {@code RuntimeException}
     * and {@code LinkageError} only, and the event loop catches only {@code RuntimeException}
     * around tasks, so an {@code Error} such as {@code StackOverflowError} thrown by one
     * listener ends the shared I/O thread: every socket on that loop stops.
     */
    @Test
    void anErrorFromOneListenerDoesNotStopTheSharedLoop() {
        AtomicBoolean armed = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger errorsThrown = new java.util.concurrent.atomic.AtomicInteger();
        Thrower thrower = new Thrower(() -> {
            if (!armed.get()) {
                return new IllegalStateException("not armed yet");
            }
            errorsThrown.incrementAndGet();
            return new StackOverflowError("thrown by a listener on purpose");
        });
        TcpSocketImpl victim = tcpSocket("error-listener");
        TcpSocketImpl bystander = tcpSocket("bystander-on-the-same-loop");
        TestServer server = fixture.startServer(TestServer.Mode.ECHO);
        SocketProbe victimProbe = new SocketProbe();
        SocketProbe bystanderProbe = new SocketProbe();
        victim.addListener(thrower);
        victim.addListener(victimProbe);
        bystander.addListener(bystanderProbe);
        victim.connectToHost("127.0.0.1", server.port());
        bystander.connectToHost("127.0.0.1", server.port());
        victimProbe.awaitConnected(WAIT);
        bystanderProbe.awaitConnected(WAIT);

        armed.set(true);
        victim.write("boom\n"); // bytesWritten (or readyRead on the echo) throws the Error
        victimProbe.await(() -> errorsThrown.get() > 0, WAIT, "the listener's Error");
        assertEquals(5L, bystander.write("ping\n"));
        bystanderProbe.await(bystander::canReadLine, WAIT,
                "the echo on another socket of the same loop after a listener threw an Error");
        assertEquals("ping", bystander.readLine());
        assertIoThreadAlive(bystanderProbe);
    }

    private static void assertIoThreadAlive(SocketProbe probe) {
        String ioThread = probe.callbackThreads().iterator().next();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(ioThread) && t.isAlive()), ioThread + " is alive");
        assertEquals(1, probe.callbackThreads().size(), "every callback on the one I/O thread: "
                + probe.callbackThreads());
    }
}
