package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.Loopback.ip;
import static ipsocket.impl.testing.SocketFixture.bindNow;
import static ipsocket.impl.testing.SocketFixture.bindTo;
import static ipsocket.impl.testing.SocketFixture.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.api.SocketState;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.UdpPeer;

/**
 * Proves binding: state Bound with a port from the operating system, automatic binding when a
 * local end is configured, OperationError on a second bind, and the documented errors (with
 * an errorString naming address and port) when the local end is taken or not local.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpBindTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void bindWithPortZeroIsBoundToAPortFromTheOs() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertEquals(0, socket.getLocalPort());
        assertFalse(socket.isOpen());

        bindNow(socket, probe);

        assertTrue(socket.getLocalPort() > 0, "local port " + socket.getLocalPort());
        assertTrue(ip(socket.getLocalAddress()).isAnyLocalAddress(), socket.getLocalAddress());
        assertTrue(socket.isOpen());
        assertTrue(socket.isWritable());
        assertEquals(List.of(SocketState.BOUND), probe.states());
        assertEquals(0, probe.connectedCount(), "binding is no connection");
        assertEquals("", socket.getPeerAddress());
        assertEquals(0, socket.getPeerPort());
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void bindingTwiceIsAnOperationError() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();

        assertFalse(socket.bind());
        probe.awaitError(SocketError.OPERATION_ERROR, WAIT);
        assertEquals(SocketState.BOUND, socket.getState());
        assertEquals(port, socket.getLocalPort(), "the first binding stays");
        assertEquals(1, probe.stateCount(SocketState.BOUND));
    }

    @Test
    void setStateBoundBinds() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setState(SocketState.BOUND);
        probe.awaitState(SocketState.BOUND, WAIT);
        assertTrue(socket.getLocalPort() > 0);
    }

    @Test
    void aSocketWithALocalAddressBindsByItself() {
        UdpSocketImpl socket = fixture.autoUdpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalAddress(V4);
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(V4, socket.getLocalAddress());
        assertTrue(socket.getLocalPort() > 0);
    }

    @Test
    void aSocketWithALocalPortBindsByItselfToThatPort() {
        int port = UdpPeer.closedPort(V4);
        UdpSocketImpl socket = fixture.autoUdpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalPort(port);
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(port, socket.getLocalPort());
    }

    @Test
    void thePortIsFreeWhenDisconnectedIsSignalled() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);
        int port = socket.getLocalPort();
        java.util.concurrent.atomic.AtomicReference<String> rebind = new java.util.concurrent.atomic.AtomicReference<>();
        socket.addListener(new ipsocket.api.SocketListener() {
            @Override
            public void disconnected(ipsocket.api.IpSocket source) {
                // a user reacting to disconnected() by binding the port elsewhere
                try (UdpPeer again = UdpPeer.bind(V4, port)) {
                    rebind.set("bound");
                } catch (RuntimeException e) {
                    rebind.set(String.valueOf(e.getCause()));
                }
            }
        });

        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertFalse(socket.isOpen());
        ipsocket.impl.testing.Await.until(() -> rebind.get() != null, WAIT, () -> "the listener's bind attempt");
        assertEquals("bound", rebind.get(), "port " + port + " still taken when disconnected() was called");
    }

    @Test
    void changingTheLocalAddressRebindsOnTheSamePort() {
        int port = UdpPeer.closedPort(V4);
        UdpSocketImpl socket = fixture.autoUdpSocket();
        SocketProbe probe = probe(socket);
        socket.deserializeProperties(java.util.Map.of("localAddress", V4, "localPort", port));
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(V4, socket.getLocalAddress());

        socket.setLocalAddress(""); // the wildcard, same port: the old binding must be gone first
        probe.awaitStateCount(SocketState.BOUND, 2, WAIT);
        assertEquals(List.of(), probe.errors(), probe::describe);
        assertTrue(ip(socket.getLocalAddress()).isAnyLocalAddress(), socket.getLocalAddress());
        assertEquals(port, socket.getLocalPort());
    }

    @Test
    void bindingToAPortInUseIsAddressInUse() {
        UdpPeer holder = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalAddress(V4);
        socket.setLocalPort(holder.port());

        socket.bind();
        probe.awaitError(SocketError.ADDRESS_IN_USE_ERROR, WAIT);
        assertEquals(18, socket.getError().value());
        String text = socket.getErrorString();
        assertTrue(text.contains(V4) && text.contains(String.valueOf(holder.port())),
                "errorString names address and port: " + text);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
        assertEquals(0, probe.stateCount(SocketState.BOUND), probe::describe);
    }

    @Test
    void bindingToTheWildcardOnAPortInUseIsAddressInUse() {
        UdpPeer holder = fixture.closeAfterTest(UdpPeer.bind("0.0.0.0"));
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalPort(holder.port());

        socket.bind();
        probe.awaitError(SocketError.ADDRESS_IN_USE_ERROR, WAIT);
        assertTrue(socket.getErrorString().contains(String.valueOf(holder.port())), socket::getErrorString);
    }

    @Test
    void bindingToAnAddressThatIsNotLocalIsAddressNotAvailable() {
        // TEST-NET-1 (RFC 5737): never assigned to this host; binding fails locally, no packet is sent
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setLocalAddress("192.0.2.1");

        socket.bind();
        probe.awaitError(SocketError.SOCKET_ADDRESS_NOT_AVAILABLE_ERROR, WAIT);
        assertEquals(19, socket.getError().value());
        assertTrue(socket.getErrorString().contains("192.0.2.1"), socket::getErrorString);
        assertEquals(SocketState.DISCONNECTED, socket.getState());
    }

    @Test
    void aSocketThatCannotBindByItselfRetriesAndReportsEachTime() {
        UdpPeer holder = fixture.udpPeer(V4);
        UdpSocketImpl socket = fixture.autoUdpSocket();
        SocketProbe probe = probe(socket);
        socket.setReconnectMinInterval(20);
        socket.setReconnectMaxInterval(40);
        socket.deserializeProperties(java.util.Map.of("localAddress", V4, "localPort", holder.port()));

        probe.awaitErrorCount(SocketError.ADDRESS_IN_USE_ERROR, 2, WAIT);
        assertEquals(0, probe.stateCount(SocketState.BOUND), probe::describe);
        int port = holder.port();
        holder.close();
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(port, socket.getLocalPort());
    }
}
