package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.Loopback.assumeMulticastLoopback;
import static ipsocket.impl.testing.SocketFixture.bindTo;
import static ipsocket.impl.testing.SocketFixture.probe;
import static java.net.StandardSocketOptions.IP_MULTICAST_IF;
import static java.net.StandardSocketOptions.IP_MULTICAST_LOOP;
import static java.net.StandardSocketOptions.IP_MULTICAST_TTL;
import static java.net.StandardSocketOptions.IP_TOS;
import static java.net.StandardSocketOptions.SO_BROADCAST;
import static java.net.StandardSocketOptions.SO_RCVBUF;
import static java.net.StandardSocketOptions.SO_SNDBUF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.SocketError;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;

/**
 * Proves that the UDP socket options reach the operating-system socket, set before binding
 * and changed live, and that setters reject values outside their range.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpOptionsTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    @Test
    void defaultsAreOnTheOsSocket() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        assertEquals(0, socket.getTypeOfService());
        assertEquals(0, socket.getReceiveBufferSize());
        assertEquals(0, socket.getSendBufferSize());
        assertEquals(0, socket.getMulticastTtl());
        assertEquals(false, socket.isMulticastLoopback());
        assertEquals(false, socket.isBroadcast());
        assertEquals("", socket.getMulticastInterface());
        assertEquals(List.of(), socket.getMulticastGroups());
        bindTo(socket, probe, V4);

        assertEquals(0, socket.osOption(IP_TOS));
        assertEquals(false, socket.osOption(SO_BROADCAST));
        // Linux turns IP_MULTICAST_LOOP on by default: false here proves the property was applied
        assertEquals(false, socket.osOption(IP_MULTICAST_LOOP));
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void optionsSetBeforeBindingAreOnTheOsSocket() {
        NetworkInterface lo = assumeMulticastLoopback();
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setTypeOfService(0x10);
        socket.setReceiveBufferSize(48 * 1024);
        socket.setSendBufferSize(40 * 1024);
        socket.setBroadcast(true);
        socket.setMulticastTtl(7);
        socket.setMulticastLoopback(true);
        socket.setMulticastInterface("lo");
        bindTo(socket, probe, V4);

        assertEquals(0x10, socket.osOption(IP_TOS));
        assertEquals(referenceOption(SO_RCVBUF, 48 * 1024), socket.osOption(SO_RCVBUF));
        assertEquals(referenceOption(SO_SNDBUF, 40 * 1024), socket.osOption(SO_SNDBUF));
        assertEquals(true, socket.osOption(SO_BROADCAST));
        assertEquals(7, socket.osOption(IP_MULTICAST_TTL));
        assertEquals(true, socket.osOption(IP_MULTICAST_LOOP));
        assertEquals(lo, socket.osOption(IP_MULTICAST_IF));
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void optionsChangedOnABoundSocketReachTheOsSocket() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);

        socket.setTypeOfService(0x08);
        awaitOption(socket, probe, IP_TOS, 0x08);
        socket.setReceiveBufferSize(24 * 1024);
        awaitOption(socket, probe, SO_RCVBUF, referenceOption(SO_RCVBUF, 24 * 1024));
        socket.setSendBufferSize(20 * 1024);
        awaitOption(socket, probe, SO_SNDBUF, referenceOption(SO_SNDBUF, 20 * 1024));
        socket.setBroadcast(true);
        awaitOption(socket, probe, SO_BROADCAST, true);
        socket.setBroadcast(false);
        awaitOption(socket, probe, SO_BROADCAST, false);
        socket.setMulticastTtl(3);
        awaitOption(socket, probe, IP_MULTICAST_TTL, 3);
        socket.setMulticastLoopback(true);
        awaitOption(socket, probe, IP_MULTICAST_LOOP, true);
        socket.setMulticastLoopback(false);
        awaitOption(socket, probe, IP_MULTICAST_LOOP, false);
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void theMulticastInterfaceChangedLiveReachesTheOsSocket() {
        NetworkInterface lo = assumeMulticastLoopback();
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        bindTo(socket, probe, V4);

        socket.setMulticastInterface("lo");
        awaitOption(socket, probe, IP_MULTICAST_IF, lo);
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void anUnknownMulticastInterfaceIsReported() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setMulticastInterface("nosuchif0");
        bindTo(socket, probe, V4);
        probe.await(() -> probe.errorStrings().stream().anyMatch(s -> s.contains("nosuchif0")), WAIT,
                "an error naming the interface");
    }

    @Test
    void optionsSurviveRebindingAndApplyToTheNewOsSocket() {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setTypeOfService(0x04);
        bindTo(socket, probe, V4);
        socket.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        socket.setMulticastTtl(9);
        socket.bind();
        probe.awaitStateCount(ipsocket.api.SocketState.BOUND, 2, WAIT);
        assertEquals(0x04, socket.osOption(IP_TOS));
        assertEquals(9, socket.osOption(IP_MULTICAST_TTL));
    }

    @Test
    void settersRejectValuesOutOfRangeAndChangeNothing() {
        UdpSocketImpl socket = fixture.udpSocket();
        assertThrows(IllegalArgumentException.class, () -> socket.setTypeOfService(256));
        assertThrows(IllegalArgumentException.class, () -> socket.setTypeOfService(-1));
        assertThrows(IllegalArgumentException.class, () -> socket.setMulticastTtl(256));
        assertThrows(IllegalArgumentException.class, () -> socket.setMulticastTtl(-1));
        assertThrows(IllegalArgumentException.class, () -> socket.setReceiveBufferSize(-1));
        assertThrows(IllegalArgumentException.class, () -> socket.setSendBufferSize(-1));
        assertThrows(IllegalArgumentException.class, () -> socket.setLocalPort(65536));
        assertThrows(IllegalArgumentException.class, () -> socket.setReceiveQueueLimit(0));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> socket.setMulticastTtl(300));
        assertTrue(bad.getMessage().contains("multicastTtl") && bad.getMessage().contains("300"),
                bad.getMessage());
        assertEquals(0, socket.getTypeOfService());
        assertEquals(0, socket.getMulticastTtl());
        assertEquals(0, socket.getReceiveBufferSize());
        assertEquals(0, socket.getLocalPort());
        assertEquals(SocketError.NO_ERROR, socket.getError());
    }

    private static <T> void awaitOption(UdpSocketImpl socket, SocketProbe probe, SocketOption<T> option,
            T expected) {
        probe.await(() -> Objects.equals(expected, socket.osOption(option)), WAIT,
                option.name() + " = " + expected + " on the OS socket");
    }

    /**
     * Returns what the operating system reports for an option after a plain channel of the
     * same family set it: the kernel rounds buffer sizes (Linux doubles them).
     *
     * @param <T> the option's type
     * @param option the option
     * @param value the value set
     * @return the value read back
     */
    private static <T> T referenceOption(SocketOption<T> option, T value) {
        try (DatagramChannel reference = DatagramChannel.open(StandardProtocolFamily.INET)) {
            reference.setOption(option, value);
            return reference.getOption(option);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set " + option.name() + " on a plain channel", e);
        }
    }
}
