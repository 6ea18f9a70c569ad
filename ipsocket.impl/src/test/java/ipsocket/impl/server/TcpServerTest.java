package ipsocket.impl.server;

import static ipsocket.impl.testing.Await.QUIET;
import static ipsocket.impl.testing.Await.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.TcpSocket;
import ipsocket.impl.common.SocketProperties;
import ipsocket.impl.common.SocketSettings;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.Loopback;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * The TCP server against real loopback clients: accepting, echoing through the accepted
 * connections, many clients, the ends of a connection, the limit, the allowed peers, pausing,
 * closing, and listening problems.
 */
class TcpServerTest {
    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    private TcpServerImpl server(EventLoopGroup loops, ServerProbe probe, UnaryOperator<SocketSettings.Builder> config) {
        TcpServerImpl server = new TcpServerImpl(loops, "srv");
        fixture.closeAfterTest(() -> server.dispose(2_000));
        server.addListener(probe);
        server.applySettings(config.apply(settings()).build());
        return server;
    }

    private static SocketSettings.Builder settings() {
        return SocketSettings.builder(SocketProperties.TCP_SERVER).set(SocketProperties.SERVER_LOCAL_PORT, 0);
    }

    private TcpServerImpl listening(ServerProbe probe, UnaryOperator<SocketSettings.Builder> config) {
        TcpServerImpl server = server(fixture.loops(), probe, config);
        assertTrue(server.listen(), server::getErrorString);
        return server;
    }

    private Socket client(TcpServerImpl server) {
        return client(server.getLocalAddress(), server.getLocalPort());
    }

    private Socket client(String address, int port) {
        try {
            Socket socket = fixture.closeAfterTest(new Socket());
            socket.connect(new InetSocketAddress(address, port), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String receive(Socket socket, int length) throws IOException {
        byte[] buffer = new byte[length];
        InputStream in = socket.getInputStream();
        for (int got = 0; got < length;) {
            int n = in.read(buffer, got, length - got);
            if (n < 0) {
                throw new IOException("end of stream after " + got + " of " + length + " bytes");
            }
            got += n;
        }
        return new String(buffer, StandardCharsets.UTF_8);
    }

    private static void assertEchoes(Socket socket, String text) throws IOException {
        send(socket, text);
        assertEquals(text, receive(socket, text.getBytes(StandardCharsets.UTF_8).length));
    }

    private static void awaitAccepted(ServerProbe probe, int count) {
        Await.until(() -> probe.accepted.size() >= count, WAIT, () -> count + " accepted, got " + probe.accepted);
    }

    private static TcpSocket connectionOf(ServerProbe probe, Socket client) {
        return probe.accepted.stream().filter(socket -> socket.getPeerPort() == client.getLocalPort()).findFirst()
                .orElseThrow(() -> new AssertionError("no connection from port " + client.getLocalPort()));
    }

    @Test
    void acceptsAConnectionThatStartsConnectedAndEchoes() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config);
        assertTrue(server.isListening());
        assertEquals("127.0.0.1", server.getLocalAddress(), "loopback unless configured");
        assertTrue(server.getLocalPort() > 0, "port 0 is reported as the port the OS chose");
        assertEquals(List.of(true), probe.listening);

        Socket client = client(server);
        assertEchoes(client, "hello\n");
        TcpSocket connection = connectionOf(probe, client);
        assertEquals("srv/127.0.0.1:" + client.getLocalPort(), connection.getObjectId());
        assertEquals("srv", connection.getParent());
        assertEquals(SocketState.CONNECTED, connection.getState());
        assertFalse(connection.isAutoConnect(), "an accepted connection never reconnects");
        assertEquals("127.0.0.1", connection.getHostname());
        assertEquals(client.getLocalPort(), connection.getPort());
        assertEquals(server.getLocalPort(), connection.getLocalPort());
        assertEquals(List.of(connection), server.getConnections());
        assertEquals(SocketError.NO_ERROR, server.getError());
    }

    @Test
    void servesAThousandClientsAtOnce() throws IOException {
        EventLoopGroup loops = fixture.closeAfterTest(new EventLoopGroup(2)); // connections on both loops
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = server(loops, probe, config -> config
                .set(SocketProperties.MAX_PENDING_CONNECTIONS, 1024).set(SocketProperties.MAX_CONNECTIONS, 1000));
        assertTrue(server.listen(), server::getErrorString);
        int count = 1000;
        List<SocketChannel> clients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            clients.add(fixture.closeAfterTest(SocketChannel.open(new InetSocketAddress(server.getLocalAddress(),
                    server.getLocalPort()))));
        }
        for (int i = 0; i < count; i++) {
            clients.get(i).write(ByteBuffer.wrap(String.format("%05d", i).getBytes(StandardCharsets.US_ASCII)));
        }
        for (int i = 0; i < count; i++) {
            ByteBuffer answer = ByteBuffer.allocate(5);
            while (answer.hasRemaining()) {
                if (clients.get(i).read(answer) < 0) {
                    throw new IOException("client " + i + " closed early");
                }
            }
            assertEquals(String.format("%05d", i), new String(answer.array(), StandardCharsets.US_ASCII));
        }
        Await.until(() -> server.getConnections().size() == count, WAIT,
                () -> server.getConnections().size() + " connections listed");
        for (SocketChannel client : clients) {
            client.close();
        }
        Await.until(() -> server.getConnections().isEmpty(), WAIT,
                () -> server.getConnections().size() + " connections still listed");
        assertEquals(List.of(), probe.errors);
    }

    @Test
    void aPeerThatClosesEndsItsConnection() throws IOException {
        assertPeerEndsItsConnection(false);
    }

    @Test
    void aPeerThatResetsEndsItsConnection() throws IOException {
        assertPeerEndsItsConnection(true);
    }

    /** The peer closes (FIN) or resets (RST): RemoteHostClosedError, Disconnected for good, unlisted. */
    private void assertPeerEndsItsConnection(boolean reset) throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config);
        Socket client = client(server);
        assertEchoes(client, "x");
        TcpSocketImpl connection = (TcpSocketImpl) connectionOf(probe, client);
        SocketProbe events = SocketFixture.probe(connection);
        if (reset) {
            client.setSoLinger(true, 0);
        }
        client.close();
        events.awaitState(SocketState.DISCONNECTED, WAIT);
        assertEquals(SocketError.REMOTE_HOST_CLOSED_ERROR, connection.getError(), connection.getErrorString());
        Await.until(() -> server.getConnections().isEmpty(), WAIT, () -> "the connection unlisted");
        assertFalse(Await.within(() -> connection.getState() != SocketState.DISCONNECTED, QUIET),
                "an accepted connection does not reconnect");
    }

    @Test
    void atMaxConnectionsTheNextClientWaitsInTheBacklogUntilOneLeaves() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config.set(SocketProperties.MAX_CONNECTIONS, 2));
        Socket first = client(server);
        Socket second = client(server);
        assertEchoes(first, "1");
        assertEchoes(second, "2");
        Socket third = client(server); // the OS completes the handshake: it waits in the backlog
        send(third, "3");
        assertFalse(Await.within(() -> probe.accepted.size() > 2, QUIET), "the third is not accepted at the limit");
        assertEquals(2, server.getConnections().size());
        first.close();
        assertEquals("3", receive(third, 1), "served once the first left");
        awaitAccepted(probe, 3);
        assertEquals(List.of(), probe.errors);
    }

    @Test
    void allowedPeersRefuseOtherIpv4PeersAtOnceAndNameThem() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config.set(SocketProperties.ALLOWED_PEERS,
                List.of("10.0.0.0/8")));
        Socket refused = client(server);
        assertEquals(-1, readOrReset(refused), "closed at once");
        Await.until(() -> probe.errors.size() == 1, WAIT, () -> "one accept error: " + probe.errors);
        ServerProbe.AcceptError error = probe.errors.get(0);
        assertEquals(SocketError.SOCKET_ACCESS_ERROR, error.error());
        assertTrue(error.text().contains("127.0.0.1:" + refused.getLocalPort()), error.text());
        assertEquals(refused.getLocalPort(), error.peer().getPort());
        assertEquals(List.of(), probe.accepted);
        assertEquals(SocketError.SOCKET_ACCESS_ERROR, server.getError());

        server.applySettings(settings().set(SocketProperties.ALLOWED_PEERS, List.of("10.0.0.0/8", "127.0.0.0/8"))
                .build());
        assertEchoes(client(server), "allowed");
    }

    @Test
    void allowedPeersWorkForIpv6() throws IOException {
        Loopback.assumeIpv6Loopback();
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config.set(SocketProperties.SERVER_LOCAL_ADDRESS, "::1")
                .set(SocketProperties.ALLOWED_PEERS, List.of("::1/128")));
        assertEchoes(client(server), "v6");
        server.applySettings(settings().set(SocketProperties.SERVER_LOCAL_ADDRESS, "::1")
                .set(SocketProperties.SERVER_LOCAL_PORT, server.getLocalPort())
                .set(SocketProperties.ALLOWED_PEERS, List.of("fd00::/8", "127.0.0.1")).build());
        Socket refused = client(server);
        assertEquals(-1, readOrReset(refused));
        Await.until(() -> probe.errors.size() == 1, WAIT, () -> "one accept error: " + probe.errors);
        assertTrue(probe.errors.get(0).text().contains(":" + refused.getLocalPort()), probe.errors.get(0).text());
        assertEquals(1, probe.accepted.size());
    }

    /** Reads one byte: -1 for an orderly end, also -1 for a reset (both mean: closed at once). */
    private static int readOrReset(Socket socket) {
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pausedAcceptingLeavesClientsInTheBacklogUntilResumed() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config);
        server.pauseAccepting();
        assertTrue(server.isPaused());
        Socket client = client(server);
        send(client, "p");
        assertFalse(Await.within(() -> !probe.accepted.isEmpty(), QUIET), "not accepted while paused");
        server.resumeAccepting();
        assertFalse(server.isPaused());
        assertEquals("p", receive(client, 1));
        assertEquals(1, probe.accepted.size());
    }

    @Test
    void closeStopsListeningAndLeavesConnectionsOpen() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config);
        int port = server.getLocalPort();
        Socket client = client(server);
        assertEchoes(client, "before");
        server.close();
        assertFalse(server.isListening());
        assertEquals(List.of(true, false), probe.listening);
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        assertEchoes(client, "after");
        assertEquals(SocketState.CONNECTED, connectionOf(probe, client).getState());
        assertEquals(1, server.getConnections().size());
    }

    @Test
    void closeConnectionsOnCloseClosesThemGracefully() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config.set(SocketProperties.CLOSE_CONNECTIONS_ON_CLOSE,
                true));
        Socket client = client(server);
        assertEchoes(client, "bye");
        server.close();
        assertEquals(-1, client.getInputStream().read(), "FIN from the server");
        Await.until(() -> server.getConnections().isEmpty(), WAIT, () -> "the connection unlisted");
    }

    @Test
    void disposeClosesConnectionsGracefully() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config);
        Socket client = client(server);
        assertEchoes(client, "x");
        TcpSocket connection = connectionOf(probe, client);
        assertTrue(server.dispose(2_000), "closed gracefully");
        assertEquals(-1, client.getInputStream().read());
        assertEquals(SocketState.DISCONNECTED, connection.getState());
        assertFalse(server.listen(), "a disposed server listens no more");
    }

    @Test
    void aPortInUseIsAddressInUseErrorNamingThePort() {
        ServerSocket taken = fixture.listen(1);
        ServerProbe probe = new ServerProbe(false);
        TcpServerImpl server = server(fixture.loops(), probe, config -> config.set(SocketProperties.SERVER_LOCAL_PORT,
                taken.getLocalPort()));
        assertFalse(server.listen());
        assertFalse(server.isListening());
        assertEquals(SocketError.ADDRESS_IN_USE_ERROR, server.getError());
        assertTrue(server.getErrorString().contains(String.valueOf(taken.getLocalPort())), server.getErrorString());
        assertEquals(1, probe.errors.size());
        assertEquals(SocketError.ADDRESS_IN_USE_ERROR, probe.errors.get(0).error());
        assertNull(probe.errors.get(0).peer());
        assertEquals(List.of(), probe.listening);
    }

    @Test
    void aChangedAddressRebindsAndChangedOptionsReachOpenConnections() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config);
        int oldPort = server.getLocalPort();
        Socket client = client(server);
        assertEchoes(client, "one");
        TcpSocket connection = connectionOf(probe, client);
        assertFalse(connection.isLowDelay());

        server.applySettings(settings().set(SocketProperties.SERVER_LOCAL_ADDRESS, "127.0.0.2")
                .set(SocketProperties.LOW_DELAY, true).build());
        assertEquals("127.0.0.2", server.getLocalAddress());
        assertEquals(List.of(true, false, true), probe.listening);
        Socket second = client(server);
        assertEchoes(second, "two");
        assertTrue(connectionOf(probe, second).isLowDelay(), "a new connection takes the new options");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", oldPort).close());
        assertEchoes(client, "still");
        Await.until(connection::isLowDelay, WAIT, () -> "lowDelay on the open connection");
        // the changed connection has values of its own now, and still its peer and its name
        assertEquals("127.0.0.1", connection.getHostname());
        assertEquals(client.getLocalPort(), connection.getPort());
        assertEquals("srv/127.0.0.1:" + client.getLocalPort(), connection.getObjectId());
    }

    @Test
    void aServerWithoutLocalPortDoesNotListen() {
        ServerProbe probe = new ServerProbe(false);
        TcpServerImpl server = server(fixture.loops(), probe, config -> config.set(SocketProperties.SERVER_LOCAL_PORT,
                -1));
        assertFalse(server.listen());
        assertEquals(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, server.getError());
        assertTrue(server.getErrorString().contains("localPort"), server.getErrorString());
    }

    @Test
    void listeningTwiceIsAnOperationError() {
        ServerProbe probe = new ServerProbe(false);
        TcpServerImpl server = listening(probe, config -> config);
        assertFalse(server.listen());
        assertEquals(SocketError.OPERATION_ERROR, server.getError());
        assertTrue(server.isListening());
    }

    @Test
    void connectionsTakeTheServersOptions() throws IOException {
        ServerProbe probe = new ServerProbe(true);
        TcpServerImpl server = listening(probe, config -> config.set(SocketProperties.LOW_DELAY, true)
                .set(SocketProperties.MAX_LINE_LENGTH, 100).set(SocketProperties.KEEP_ALIVE, true));
        Socket client = client(server);
        assertEchoes(client, "o");
        TcpSocket connection = connectionOf(probe, client);
        assertTrue(connection.isLowDelay());
        assertTrue(connection.isKeepAlive());
        assertEquals(100, connection.getMaxLineLength());
        assertArrayEquals(new byte[0], connection.readAll(), "the echo read it all");

        // the settings of every connection start from one template per configuration: each keeps its own peer
        Socket second = client(server);
        assertEchoes(second, "t");
        TcpSocket other = connectionOf(probe, second);
        assertEquals(second.getLocalPort(), other.getPort());
        assertEquals(client.getLocalPort(), connection.getPort(), "the first keeps its peer");
        assertTrue(other.isLowDelay() && other.isKeepAlive() && !other.isAutoConnect());
        assertEquals(100, other.getMaxLineLength());
        assertEquals("srv", other.getParent());
    }
}
