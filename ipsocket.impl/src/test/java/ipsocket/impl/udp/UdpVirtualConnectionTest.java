package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.QUIET;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.Loopback.V6;
import static ipsocket.impl.testing.Loopback.assumeIpv6Loopback;
import static ipsocket.impl.testing.Loopback.ip;
import static ipsocket.impl.testing.SocketFixture.bindTo;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.NetworkProtocol;
import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.testing.Await;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.UdpPeer;

/**
 * Proves the virtual connection: HostLookup, Connecting, Connected and the connected signal;
 * read() and write() on payloads to and from the peer only, other senders filtered out; ICMP
 * port unreachable reported as ConnectionRefusedError; disconnectFromHost ends it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpVirtualConnectionTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void connectToHostGoesThroughLookupAndConnectingToConnected() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);

        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);

        assertEquals(List.of(SocketState.HOST_LOOKUP, SocketState.CONNECTING, SocketState.CONNECTED),
                probe.states());
        assertEquals(SocketState.CONNECTED, socket.getState());
        assertEquals(1, probe.connectedCount());
        List<SocketProbe.Kind> kinds = probe.events().stream().map(SocketProbe.Event::kind)
                .filter(k -> k == SocketProbe.Kind.STATE || k == SocketProbe.Kind.CONNECTED).toList();
        assertEquals(SocketProbe.Kind.CONNECTED, kinds.get(kinds.size() - 1), "connected() after the state");
        assertEquals(V4, socket.getPeerAddress());
        assertEquals(peer.port(), socket.getPeerPort());
        assertTrue(socket.getLocalPort() > 0);
        assertTrue(socket.isWritable());
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void aBoundSocketConnectsFromItsPort() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();

        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);
        assertEquals(List.of(SocketState.BOUND, SocketState.HOST_LOOKUP, SocketState.CONNECTING,
                SocketState.CONNECTED), probe.states());
        assertEquals(port, socket.getLocalPort());
        assertEquals(5, socket.write("hello"));
        assertEquals(port, peer.receive(WAIT).sender().getPort());
    }

    @Test
    void writeAndReadWorkOnPayloadsOfThePeer() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);

        assertEquals(3, socket.write(new byte[] {1, 2, 3}));
        assertEquals(5, socket.write("hello"));
        ByteBuffer buffer = ByteBuffer.wrap("buffer".getBytes(StandardCharsets.UTF_8));
        assertEquals(6, socket.write(buffer));
        assertEquals(0, buffer.remaining(), "write(ByteBuffer) consumes what it sent");
        assertTrue(socket.writeDatagram(UdpDatagram.of("datagram".getBytes(StandardCharsets.UTF_8))));

        UdpPeer.Received first = peer.receive(WAIT);
        assertArrayEquals(new byte[] {1, 2, 3}, first.payload());
        assertEquals(socket.getLocalPort(), first.sender().getPort());
        assertEquals("hello", peer.receive(WAIT).text());
        assertEquals("buffer", peer.receive(WAIT).text());
        assertEquals("datagram", peer.receive(WAIT).text());

        peer.send("answer one", V4, socket.getLocalPort());
        peer.send("answer two\n", V4, socket.getLocalPort());
        probe.await(() -> probe.readyReadCount() == 2, WAIT, "readyRead for both answers");
        assertEquals(2, socket.getPendingDatagramCount());
        assertEquals("answer one", new String(socket.readAll(), StandardCharsets.UTF_8));
        assertEquals("answer two", socket.readLine());
        probe.await(() -> socket.getBytesSent() == 3 + 5 + 6 + 8, WAIT, "bytesSent counted");
    }

    @Test
    void datagramsFromOtherSendersAreFilteredOut() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpPeer stranger = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);
        int port = socket.getLocalPort();

        stranger.send("from a stranger", V4, port);
        peer.send("from the peer", V4, port); // sent after the stranger's: the positive control
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) >= 1, WAIT, "the peer's datagram");
        probe.assertNotWithin(() -> probe.count(SocketProbe.Kind.DATAGRAM) > 1, QUIET,
                "a second datagram (the stranger's) arrived");
        assertEquals(1, socket.getPendingDatagramCount());
        assertEquals("from the peer", new String(socket.readAll(), StandardCharsets.UTF_8));
        assertEquals(0, socket.getDroppedDatagramCount());
    }

    @Test
    void readAfterConnectingReturnsOnlyPayloadsOfThePeer() {
        // API: after connectToHost(), read() and readAll() work on payloads from that peer only
        UdpPeer peer = fixture.udpPeer(V4);
        UdpPeer stranger = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);
        stranger.send("queued before connecting", V4, socket.getLocalPort());
        probe.await(() -> socket.getPendingDatagramCount() == 1, WAIT, "the stranger's datagram queued");

        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);
        peer.send("from the peer", V4, socket.getLocalPort());
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == 2, WAIT, "the peer's datagram");

        assertEquals("from the peer", new String(socket.readAll(), StandardCharsets.UTF_8),
                "readAll() on a connected socket returned a payload of another sender");
    }

    @Test
    void connectToHostOverIpv6() {
        assumeIpv6Loopback();
        UdpPeer peer = fixture.udpPeer(V6);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V6, peer.port());
        probe.awaitConnected(WAIT);
        assertEquals(ip(V6), ip(socket.getPeerAddress()));

        assertEquals(2, socket.write("v6"));
        UdpPeer.Received out = peer.receive(WAIT);
        assertEquals("v6", out.text());
        assertEquals(socket.getLocalPort(), out.sender().getPort());
        peer.send("back", V6, socket.getLocalPort());
        probe.await(() -> socket.getPendingDatagramCount() == 1, WAIT, "the answer");
        UdpDatagram in = socket.readDatagram();
        assertEquals("back", in.getPayloadText());
        assertEquals(ip(V6), ip(in.getSenderAddress()));
        assertEquals(peer.port(), in.getSenderPort());
    }

    @Test
    void aHostNameIsLookedUp() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setProtocol(NetworkProtocol.IPV4_PROTOCOL);
        socket.connectToHost("localhost", peer.port());
        probe.awaitConnected(WAIT);
        assertEquals(List.of(SocketState.HOST_LOOKUP, SocketState.CONNECTING, SocketState.CONNECTED),
                probe.states());
        assertEquals(V4, socket.getPeerAddress());
        assertEquals(2, socket.write("hi"));
        assertEquals("hi", peer.receive(WAIT).text());
    }

    @Test
    void hostnameAndPortMakeTheVirtualConnectionByThemselves() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.autoUdpSocket();
        SocketProbe probe = probe(socket);
        socket.setHostname(V4);
        socket.setPort(peer.port());
        probe.awaitConnected(WAIT);
        assertEquals(peer.port(), socket.getPeerPort());
        assertEquals(4, socket.write("auto"));
        assertEquals("auto", peer.receive(WAIT).text());
    }

    @Test
    void aNewPortMakesTheVirtualConnectionToTheNewPeer() {
        UdpPeer first = fixture.udpPeer(V4);
        UdpPeer second = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.autoUdpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalAddress(V4);
        socket.setHostname(V4);
        socket.setPort(first.port());
        probe.awaitConnected(WAIT);
        int localPort = socket.getLocalPort();
        assertEquals(5, socket.write("first"));
        assertEquals("first", first.receive(WAIT).text());

        socket.setPort(second.port());
        probe.awaitConnected(2, WAIT);
        assertEquals(second.port(), socket.getPeerPort());
        assertEquals(localPort, socket.getLocalPort(), "the binding stays");
        assertEquals(6, socket.write("second"));
        assertEquals("second", second.receive(WAIT).text());
        assertNull(first.poll(QUIET));
        // the old peer is filtered out now, the new one is heard
        first.send("old peer", V4, localPort);
        second.send("new peer", V4, localPort);
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) >= 1, WAIT, "the new peer's datagram");
        probe.assertNotWithin(() -> probe.count(SocketProbe.Kind.DATAGRAM) > 1, QUIET, "the old peer was heard");
        assertEquals("new peer", new String(socket.readAll(), StandardCharsets.UTF_8));
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void anEmptyHostOrABadPortIsReported() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost("", 1234);
        probe.awaitError(SocketError.EMPTY_HOST_NAME_ERROR, WAIT);
        socket.connectToHost(V4, 0);
        probe.awaitError(SocketError.PORT_NUMBER_OUT_OF_RANGE_ERROR, WAIT);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertEquals(0, probe.connectedCount());
    }

    @Test
    void connectingAgainWhileConnectedIsAnOperationError() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);

        socket.connectToHost();
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertEquals(SocketState.CONNECTED, socket.getState());
        assertEquals(1, probe.connectedCount());
    }

    @Test
    void icmpPortUnreachableIsConnectionRefused() {
        int closed = UdpPeer.closedPort(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, closed);
        probe.awaitConnected(WAIT);

        // the ICMP answer to one datagram surfaces on the next receive or send: keep writing
        boolean refused = false;
        for (int attempt = 0; attempt < 40 && !refused; attempt++) {
            assertEquals(4, socket.write("ping"), probe::describe);
            refused = Await.within(() -> probe.errorCount(SocketError.CONNECTION_REFUSED_ERROR) > 0,
                    Duration.ofMillis(250));
        }
        assertTrue(refused, () -> "no ConnectionRefusedError; " + probe.describe());
        assertEquals(10, probe.errors().stream().filter(e -> e == SocketError.CONNECTION_REFUSED_ERROR)
                .findFirst().orElseThrow().value());
        String text = probe.errorStrings().get(probe.errors().indexOf(SocketError.CONNECTION_REFUSED_ERROR));
        assertTrue(text.contains(String.valueOf(closed)), "errorString names the port: " + text);
    }

    @Test
    void disconnectFromHostEndsTheVirtualConnection() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);
        assertEquals(4, socket.write("last"));

        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertEquals(1, probe.disconnectedCount());
        assertEquals(SocketState.DISCONNECTED, probe.states().get(probe.states().size() - 1));
        assertEquals("", socket.getPeerAddress());
        assertEquals(0, socket.getPeerPort());
        assertEquals("last", peer.receive(WAIT).text(), "written data is sent before closing");
        assertEquals(-1, socket.write("after"));
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertNull(peer.poll(QUIET));
    }

    @Test
    void theVirtualConnectionCanBeMadeAgainAfterDisconnecting() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);

        socket.connectToHost();
        probe.awaitConnected(2, WAIT);
        assertEquals(5, socket.write("again"));
        assertEquals("again", peer.receive(WAIT).text());
    }
}
