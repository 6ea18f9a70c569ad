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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.UdpPeer;

/**
 * Proves unicast datagrams both ways against a plain loopback peer, over IPv4 and IPv6: every
 * datagram arrives whole with its sender and destination, sizes up to the protocol maximum
 * pass intact, larger ones and datagrams without destination are refused with the documented
 * errors, and reading works datagram by datagram.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpUnicastTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void unicastBothWaysOverIpv4CarriesSenderAndDestination() {
        unicastBothWays(V4);
    }

    @Test
    void unicastBothWaysOverIpv6CarriesSenderAndDestination() {
        assumeIpv6Loopback();
        unicastBothWays(V6);
    }

    private void unicastBothWays(String loopback) {
        UdpPeer peer = fixture.udpPeer(loopback);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, loopback);
        int localPort = socket.getLocalPort();
        assertTrue(localPort > 0, "bound to port " + localPort);
        assertEquals(ip(loopback), ip(socket.getLocalAddress()));

        // peer -> socket
        peer.send("to the socket", loopback, localPort);
        probe.await(() -> socket.getPendingDatagramCount() == 1, WAIT, "one datagram queued");
        UdpDatagram in = socket.readDatagram();
        assertNotNull(in);
        assertEquals("to the socket", in.getPayloadText());
        assertEquals(peer.address(), ip(in.getSenderAddress()), in::toString);
        assertEquals(peer.port(), in.getSenderPort(), in::toString);
        assertEquals(ip(loopback), ip(in.getDestinationAddress()), in::toString);
        assertEquals(localPort, in.getDestinationPort(), in::toString);

        // socket -> peer
        assertTrue(socket.writeDatagram(UdpDatagram.to(loopback, peer.port(),
                "to the peer".getBytes(StandardCharsets.UTF_8))), probe::describe);
        UdpPeer.Received out = peer.receive(WAIT);
        assertEquals("to the peer", out.text());
        assertEquals(ip(loopback), out.sender().getAddress());
        assertEquals(localPort, out.sender().getPort());
        probe.await(() -> socket.getBytesSent() == "to the peer".length(), WAIT, "bytesSent counted");
        assertEquals("to the socket".length(), socket.getBytesReceived());
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void aSocketBoundToTheWildcardSendsFromItsPort() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, "");
        assertTrue(socket.writeDatagram(UdpDatagram.to(V4, peer.port(), new byte[] {42})));
        UdpPeer.Received out = peer.receive(WAIT);
        assertEquals(socket.getLocalPort(), out.sender().getPort());

        peer.send(new byte[] {7}, V4, socket.getLocalPort());
        probe.await(() -> socket.getPendingDatagramCount() == 1, WAIT, "one datagram queued");
        UdpDatagram in = socket.readDatagram();
        assertEquals(peer.port(), in.getSenderPort());
        assertEquals(socket.getLocalPort(), in.getDestinationPort());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 1472, 8192, 65_507})
    void datagramsUpToTheIpv4MaximumArriveIntactBothWays(int size) {
        sizeRoundTrip(V4, size);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1472, 65_507, 65_527})
    void datagramsUpToTheIpv6MaximumArriveIntactBothWays(int size) {
        assumeIpv6Loopback();
        sizeRoundTrip(V6, size);
    }

    private void sizeRoundTrip(String loopback, int size) {
        UdpPeer peer = fixture.udpPeer(loopback);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, loopback);
        byte[] outgoing = TestData.randomBytes(size, size);
        byte[] incoming = TestData.randomBytes(size, size + 1L);

        assertTrue(socket.writeDatagram(UdpDatagram.to(loopback, peer.port(), outgoing)), probe::describe);
        UdpPeer.Received received = peer.receive(WAIT);
        assertEquals(size, received.payload().length, "size the peer received");
        assertArrayEquals(outgoing, received.payload(), "payload the peer received");

        peer.send(incoming, loopback, socket.getLocalPort());
        probe.await(() -> socket.getPendingDatagramCount() == 1, WAIT, "the peer's datagram queued");
        assertEquals(size, socket.getBytesAvailable(), "bytesAvailable is the datagram's size");
        UdpDatagram in = socket.readDatagram();
        assertEquals(size, in.size());
        assertArrayEquals(incoming, in.getPayload(), "payload the socket received");
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void aDatagramOverTheIpv4MaximumIsRefusedWithDatagramTooLarge() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);

        assertFalse(socket.writeDatagram(UdpDatagram.to(V4, peer.port(), new byte[65_508])));
        probe.awaitError(SocketError.DATAGRAM_TOO_LARGE_ERROR, WAIT);
        assertEquals(16, socket.getError().value());
        assertTrue(socket.getErrorString().contains("65508"), socket::getErrorString);
        // nothing was sent: a following datagram is the first the peer sees
        assertTrue(socket.writeDatagram(UdpDatagram.to(V4, peer.port(), new byte[] {1})));
        assertEquals(1, peer.receive(WAIT).payload().length);
    }

    @Test
    void aDatagramOverTheIpv4MaximumToTheConnectedPeerIsRefused() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.connectToHost(V4, peer.port());
        probe.awaitConnected(WAIT);

        assertFalse(socket.writeDatagram(UdpDatagram.of(new byte[65_508])));
        probe.awaitError(SocketError.DATAGRAM_TOO_LARGE_ERROR, WAIT);
        assertEquals(-1, socket.write(new byte[65_508]));
        probe.awaitErrorCount(SocketError.DATAGRAM_TOO_LARGE_ERROR, 2, WAIT);
    }

    @Test
    void aDatagramOverTheIpv6MaximumIsRefusedWithDatagramTooLarge() {
        assumeIpv6Loopback();
        UdpPeer peer = fixture.udpPeer(V6);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V6);

        assertFalse(socket.writeDatagram(UdpDatagram.to(V6, peer.port(), new byte[65_528])));
        probe.awaitError(SocketError.DATAGRAM_TOO_LARGE_ERROR, WAIT);
        assertEquals(16, socket.getError().value());
        assertTrue(socket.writeDatagram(UdpDatagram.to(V6, peer.port(), new byte[65_527])), probe::describe);
        assertEquals(65_527, peer.receive(WAIT).payload().length);
        assertEquals(1, probe.errorCount(SocketError.DATAGRAM_TOO_LARGE_ERROR), probe::describe);
    }

    @Test
    void aDatagramWithoutDestinationOnAnUnconnectedSocketIsADatagramWriteError() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);

        assertFalse(socket.writeDatagram(UdpDatagram.of(new byte[] {1, 2, 3})));
        probe.awaitError(SocketError.DATAGRAM_WRITE_ERROR, WAIT);
        assertEquals(3, socket.getError().value());
        assertEquals(0, socket.getBytesToWrite());
    }

    @Test
    void writeWithoutVirtualConnectionIsAnOperationError() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);

        assertEquals(-1, socket.write(new byte[] {1}));
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertEquals(-1, socket.write("text"));
        probe.awaitErrorCount(SocketError.OPERATION_ERROR, 2, WAIT);
        assertFalse(socket.getDeviceErrorString().isEmpty());
    }

    @Test
    void readingIsDatagramWise() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();

        peer.send("first datagram", V4, port);
        peer.send("line\r\n", V4, port);
        peer.send("third", V4, port);
        peer.send("fourth", V4, port);
        peer.send("fifth datagram", V4, port);
        probe.await(() -> socket.getPendingDatagramCount() == 5, WAIT, "five datagrams queued");

        assertEquals("first datagram".length(), socket.getBytesAvailable());
        assertTrue(socket.canReadLine());
        assertArrayEquals("first datagram".getBytes(StandardCharsets.UTF_8), socket.peekAll());
        // read(max) takes one datagram and discards what does not fit, as recv does
        assertArrayEquals("first".getBytes(StandardCharsets.UTF_8), socket.read(5));
        assertEquals("line", socket.readLine());
        assertArrayEquals("third".getBytes(StandardCharsets.UTF_8), socket.readAll());
        assertEquals(2, socket.getPendingDatagramCount());
        assertEquals("fourth", socket.readDatagram().getPayloadText());
        // read(ByteBuffer): a target without room leaves the datagram; one too small takes what fits of it
        assertEquals(0, socket.read(ByteBuffer.allocate(0)));
        assertEquals(1, socket.getPendingDatagramCount());
        ByteBuffer five = ByteBuffer.allocateDirect(5);
        assertEquals(5, socket.read(five));
        assertEquals("fifth", StandardCharsets.UTF_8.decode(five.flip()).toString());
        assertEquals(0, socket.read(ByteBuffer.allocate(8)), "the rest went with the datagram");
        assertEquals(0, socket.getBytesAvailable());
        assertFalse(socket.canReadLine());
        assertArrayEquals(new byte[0], socket.readAll());
        assertNull(socket.readDatagram());
        assertEquals(1, probe.lineAvailableCount(), probe::describe);
    }

    @Test
    void everyDatagramBecomesTheCurrentDatagramAndIsSignalledOnce() {
        UdpPeer peer = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        List<String> mismatches = new java.util.concurrent.CopyOnWriteArrayList<>();
        socket.addListener(new ipsocket.api.SocketListener() {
            @Override
            public void datagramReceived(ipsocket.api.UdpSocket source, UdpDatagram datagram) {
                UdpDatagram current = source.getCurrentDatagram();
                if (!datagram.equals(current)) {
                    mismatches.add(datagram + " != current " + current);
                }
            }
        });
        assertNull(socket.getCurrentDatagram());
        bindTo(socket, probe, V4);

        int count = 6;
        for (int i = 0; i < count; i++) {
            peer.send("datagram " + i, V4, socket.getLocalPort());
        }
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == count, WAIT, count + " datagramReceived");
        probe.await(() -> probe.readyReadCount() == count, WAIT, count + " readyRead");

        List<UdpDatagram> signalled = probe.events(SocketProbe.Kind.DATAGRAM).stream()
                .map(e -> (UdpDatagram) e.value()).toList();
        for (int i = 0; i < count; i++) {
            UdpDatagram datagram = signalled.get(i);
            assertEquals("datagram " + i, datagram.getPayloadText());
            assertEquals(peer.port(), datagram.getSenderPort());
            assertEquals(socket.getLocalPort(), datagram.getDestinationPort());
        }
        assertEquals(List.of(), mismatches);
        assertEquals(signalled.get(count - 1), socket.getCurrentDatagram());
        assertEquals(count, probe.propertyChanges("currentDatagram").size(), probe::describe);
        assertEquals(count, socket.getPendingDatagramCount());
        // readyRead comes after the datagram it announces is stored
        List<SocketProbe.Kind> order = probe.events().stream().map(SocketProbe.Event::kind)
                .filter(k -> k == SocketProbe.Kind.DATAGRAM || k == SocketProbe.Kind.READY_READ).toList();
        for (int i = 0; i < order.size(); i += 2) {
            assertEquals(List.of(SocketProbe.Kind.DATAGRAM, SocketProbe.Kind.READY_READ), order.subList(i, i + 2),
                    probe::describe);
        }
    }

    @Test
    void broadcastNeedsTheBroadcastOption() {
        // 127.255.255.255 is lo's broadcast address: a broadcast that never leaves the host
        UdpPeer receiver = fixture.closeAfterTest(UdpPeer.bind("0.0.0.0"));
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);

        assertTrue(socket.writeDatagram(UdpDatagram.to("127.255.255.255", receiver.port(), new byte[] {1})));
        probe.awaitError(SocketError.SOCKET_ACCESS_ERROR, WAIT);
        assertNull(receiver.poll(QUIET), "a broadcast went out without SO_BROADCAST");

        socket.setBroadcast(true);
        assertTrue(socket.writeDatagram(UdpDatagram.to("127.255.255.255", receiver.port(), new byte[] {2})));
        UdpPeer.Received received = receiver.receive(WAIT);
        assertArrayEquals(new byte[] {2}, received.payload());
        assertEquals(socket.getLocalPort(), received.sender().getPort());
    }

    @Test
    void aBroadcastIsReceivedByABoundSocket() {
        UdpSocketImpl receiver = fixture.udpSocket();
        SocketProbe receiverProbe = probe(receiver);
        bindTo(receiver, receiverProbe, "");
        UdpSocketImpl sender = fixture.udpSocket();
        SocketProbe senderProbe = probe(sender);
        sender.setBroadcast(true);
        bindTo(sender, senderProbe, V4);

        assertTrue(sender.writeDatagram(UdpDatagram.to("127.255.255.255", receiver.getLocalPort(),
                "hello all".getBytes(StandardCharsets.UTF_8))));
        receiverProbe.await(() -> receiver.getPendingDatagramCount() == 1, WAIT, "the broadcast received");
        UdpDatagram in = receiver.readDatagram();
        assertEquals("hello all", in.getPayloadText());
        assertEquals(sender.getLocalPort(), in.getSenderPort());
        assertEquals(SocketState.BOUND, sender.getState());
        assertEquals(List.of(), senderProbe.errors(), senderProbe::describe);
    }
}
