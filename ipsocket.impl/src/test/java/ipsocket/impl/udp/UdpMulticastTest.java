package ipsocket.impl.udp;

import static ipsocket.impl.testing.Await.QUIET;
import static ipsocket.impl.testing.Await.WAIT;
import static ipsocket.impl.testing.Loopback.V4;
import static ipsocket.impl.testing.Loopback.assumeIpv6InterfaceLocalMulticast;
import static ipsocket.impl.testing.Loopback.assumeMulticastLoopback;
import static ipsocket.impl.testing.Loopback.ip;
import static ipsocket.impl.testing.SocketFixture.bindNow;
import static ipsocket.impl.testing.SocketFixture.probe;
import static java.net.StandardSocketOptions.IP_MULTICAST_TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

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
 * Proves multicast without anything leaving the machine: IPv4 groups 239.255.77.x on
 * {@code lo} with TTL 1, and IPv6 interface-local groups {@code ff01::77:x}, which Linux
 * never transmits on a non-loopback interface (it only loops them back, when
 * {@code IPV6_MULTICAST_LOOP} is on); Linux's {@code lo} has no IPv6 multicast route.
 *
 * <p>Multicast loopback off is proven over IPv6 only: on Linux every datagram sent out of
 * {@code lo} comes back in through {@code lo}, so {@code IP_MULTICAST_LOOP} has no effect on
 * an IPv4 group sent there; for IPv4 the option is checked on the OS socket (UdpOptionsTest).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UdpMulticastTest {

    @RegisterExtension
    final SocketFixture fixture = new SocketFixture();

    /** A member (autoConnect off) of groups on an interface with TTL 1, bound to the wildcard. */
    private UdpSocketImpl member(String interfaceName, boolean loopback, String... groups) {
        UdpSocketImpl socket = fixture.udpSocket();
        socket.setMulticastInterface(interfaceName);
        socket.setMulticastTtl(1);
        socket.setMulticastLoopback(loopback);
        socket.setMulticastGroups(List.of(groups));
        return socket;
    }

    /** A bound sender of multicast on an interface with TTL 1. */
    private UdpSocketImpl sender(String interfaceName, NetworkProtocol protocol, boolean loopback) {
        UdpSocketImpl socket = fixture.udpSocket();
        SocketProbe probe = probe(socket);
        socket.setProtocol(protocol);
        socket.setMulticastInterface(interfaceName);
        socket.setMulticastTtl(1);
        socket.setMulticastLoopback(loopback);
        bindNow(socket, probe);
        return socket;
    }

    private static UdpDatagram to(String group, int port, String text) {
        return UdpDatagram.to(group, port, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Predicate<SocketProbe.Event> datagramFrom(int port) {
        return e -> e.kind() == SocketProbe.Kind.DATAGRAM && ((UdpDatagram) e.value()).getSenderPort() == port;
    }

    // ---- IPv4 on lo ---------------------------------------------------------------------

    @Test
    void aMemberOnLoReceivesAGroupDatagram() {
        assumeMulticastLoopback();
        String group = "239.255.77.1";
        UdpSocketImpl member = member("lo", false, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        assertEquals(List.of(group), member.joinedGroups());
        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);

        assertTrue(sender.writeDatagram(to(group, member.getLocalPort(), "to the group")));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "the group datagram");
        UdpDatagram in = member.readDatagram();
        assertEquals("to the group", in.getPayloadText());
        assertEquals(ip(V4), ip(in.getSenderAddress()));
        assertEquals(sender.getLocalPort(), in.getSenderPort());
        assertEquals(member.getLocalPort(), in.getDestinationPort());
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void settingGroupsBindsByItselfAndJoins() {
        assumeMulticastLoopback();
        String group = "239.255.77.2";
        UdpSocketImpl member = fixture.autoUdpSocket();
        SocketProbe probe = probe(member);
        member.setMulticastInterface("lo");
        member.setMulticastTtl(1);
        member.setMulticastGroups(List.of(group));
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(List.of(group), member.joinedGroups());

        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);
        assertTrue(sender.writeDatagram(to(group, member.getLocalPort(), "auto")));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "the group datagram");
    }

    @Test
    void twoMembersOnOnePortBothReceive() {
        assumeMulticastLoopback();
        String group = "239.255.77.3";
        UdpSocketImpl first = member("lo", false, group);
        SocketProbe firstProbe = probe(first);
        bindNow(first, firstProbe);
        UdpSocketImpl second = member("lo", false, group);
        SocketProbe secondProbe = probe(second);
        second.setLocalPort(first.getLocalPort());
        bindNow(second, secondProbe);
        assertEquals(first.getLocalPort(), second.getLocalPort());

        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);
        assertTrue(sender.writeDatagram(to(group, first.getLocalPort(), "both")));
        firstProbe.await(() -> first.getPendingDatagramCount() == 1, WAIT, "first member receives");
        secondProbe.await(() -> second.getPendingDatagramCount() == 1, WAIT, "second member receives");
    }

    @Test
    void aSenderWithLoopbackOnReceivesItsOwnGroupDatagram() {
        assumeMulticastLoopback();
        String group = "239.255.77.4";
        UdpSocketImpl member = member("lo", true, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);

        assertTrue(member.writeDatagram(to(group, member.getLocalPort(), "echo of myself")));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "its own datagram");
        UdpDatagram in = member.readDatagram();
        assertEquals("echo of myself", in.getPayloadText());
        assertEquals(member.getLocalPort(), in.getSenderPort());
    }

    @Test
    void clearingTheGroupsLeavesThem() {
        assumeMulticastLoopback();
        String group = "239.255.77.5";
        UdpSocketImpl member = member("lo", false, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);
        int port = member.getLocalPort();
        assertTrue(sender.writeDatagram(to(group, port, "while joined")));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "the datagram while joined");
        member.readDatagram();

        member.setMulticastGroups(List.of());
        Await.until(() -> member.joinedGroups().isEmpty(), WAIT, () -> "groups left, still " + member.joinedGroups());
        assertEquals(SocketState.BOUND, member.getState());
        assertEquals(port, member.getLocalPort(), "leaving keeps the binding");

        assertTrue(sender.writeDatagram(to(group, port, "after leaving")));
        assertTrue(sender.writeDatagram(to(V4, port, "unicast control"))); // sent after the group datagram
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) == 2, WAIT, "the unicast control");
        probe.assertNotWithin(() -> probe.count(SocketProbe.Kind.DATAGRAM) > 2, QUIET,
                "a group datagram arrived after leaving");
        assertEquals("unicast control", member.readDatagram().getPayloadText());
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void changingTheGroupsJoinsTheNewAndLeavesTheOld() {
        assumeMulticastLoopback();
        String oldGroup = "239.255.77.6";
        String newGroup = "239.255.77.7";
        UdpSocketImpl member = member("lo", false, oldGroup);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        assertEquals(List.of(oldGroup), member.joinedGroups());

        member.setMulticastGroups(List.of(newGroup));
        Await.until(() -> member.joinedGroups().equals(List.of(newGroup)), WAIT,
                () -> "joined " + newGroup + " only, now " + member.joinedGroups());
        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);
        int port = member.getLocalPort();
        assertTrue(sender.writeDatagram(to(oldGroup, port, "old")));
        assertTrue(sender.writeDatagram(to(newGroup, port, "new")));
        probe.await(() -> probe.count(SocketProbe.Kind.DATAGRAM) >= 1, WAIT, "the new group's datagram");
        probe.assertNotWithin(() -> probe.count(SocketProbe.Kind.DATAGRAM) > 1, QUIET,
                "the old group's datagram arrived");
        assertEquals("new", member.readDatagram().getPayloadText());
    }

    @Test
    void closingLeavesAndRebindingJoinsAgain() {
        assumeMulticastLoopback();
        String group = "239.255.77.8";
        UdpSocketImpl member = member("lo", false, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        assertEquals(List.of(group), member.joinedGroups());

        member.disconnectFromHost();
        probe.awaitDisconnected(WAIT);
        assertEquals(List.of(), member.joinedGroups());

        member.bind();
        probe.awaitStateCount(SocketState.BOUND, 2, WAIT);
        assertEquals(List.of(group), member.joinedGroups());
        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);
        assertTrue(sender.writeDatagram(to(group, member.getLocalPort(), "again")));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "the group datagram after rebinding");
    }

    @Test
    void anIpv6GroupOnAnIpv4SocketIsUnsupported() {
        assumeMulticastLoopback();
        UdpSocketImpl member = member("lo", false, "ff01::77:9");
        SocketProbe probe = probe(member);
        member.setProtocol(NetworkProtocol.IPV4_PROTOCOL);
        member.bind();
        probe.awaitError(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, WAIT);
        assertTrue(member.getErrorString().contains("ff01::77:9"), member::getErrorString);
        assertEquals(List.of(), member.joinedGroups());
    }

    @Test
    void aPerDatagramHopLimitAppliesToOneMulticastDatagramOnly() {
        assumeMulticastLoopback();
        String group = "239.255.77.10";
        UdpSocketImpl member = member("lo", false, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        UdpSocketImpl sender = sender("lo", NetworkProtocol.IPV4_PROTOCOL, true);
        SocketProbe senderProbe = probe(sender);

        assertTrue(sender.writeDatagram(UdpDatagram.builder().destination(group, member.getLocalPort())
                .hopLimit(2).payload("hop limit 2").build()));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "the datagram");
        assertEquals(1, sender.osOption(IP_MULTICAST_TTL), "the socket's TTL is restored");

        UdpPeer peer = fixture.udpPeer(V4);
        assertFalse(sender.writeDatagram(UdpDatagram.builder().destination(V4, peer.port()).hopLimit(2)
                .payload("unicast").build()));
        senderProbe.awaitError(SocketError.UNSUPPORTED_SOCKET_OPERATION_ERROR, WAIT);
    }

    // ---- IPv6 interface-local (ff01::) ------------------------------------------------------

    @Test
    void anIpv6MemberReceivesAnInterfaceLocalGroupDatagram() {
        NetworkInterface nic = assumeIpv6InterfaceLocalMulticast();
        String group = "ff01::77:1";
        UdpSocketImpl member = member(nic.getName(), false, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        assertEquals(List.of(group), member.joinedGroups());
        UdpSocketImpl sender = sender(nic.getName(), NetworkProtocol.IPV6_PROTOCOL, true);

        assertTrue(sender.writeDatagram(to(group, member.getLocalPort(), "v6 group")));
        probe.await(() -> member.getPendingDatagramCount() == 1, WAIT, "the group datagram");
        UdpDatagram in = member.readDatagram();
        assertEquals("v6 group", in.getPayloadText());
        assertEquals(sender.getLocalPort(), in.getSenderPort());
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void withMulticastLoopbackOffASenderDoesNotReceiveItsOwnGroupDatagram() {
        NetworkInterface nic = assumeIpv6InterfaceLocalMulticast();
        String group = "ff01::77:2";
        UdpSocketImpl member = member(nic.getName(), false, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        int port = member.getLocalPort();
        UdpSocketImpl control = sender(nic.getName(), NetworkProtocol.IPV6_PROTOCOL, true);

        assertTrue(member.writeDatagram(to(group, port, "own, loopback off")));
        // sent afterwards on the same event loop: when it arrives, the own datagram would have
        assertTrue(control.writeDatagram(to(group, port, "control, loopback on")));
        probe.await(() -> probe.count(datagramFrom(control.getLocalPort())) == 1, WAIT,
                "the control datagram");
        probe.assertNotWithin(() -> probe.count(datagramFrom(port)) > 0, QUIET,
                "the member received its own datagram although multicastLoopback is false");
        probe.await(() -> member.getBytesSent() > 0, WAIT, "the own datagram was sent");
        assertEquals(List.of(), probe.errors(), probe::describe);
    }

    @Test
    void withMulticastLoopbackOnASenderReceivesItsOwnIpv6GroupDatagram() {
        NetworkInterface nic = assumeIpv6InterfaceLocalMulticast();
        String group = "ff01::77:3";
        UdpSocketImpl member = member(nic.getName(), true, group);
        SocketProbe probe = probe(member);
        bindNow(member, probe);
        assertTrue(member.writeDatagram(to(group, member.getLocalPort(), "own, loopback on")));
        probe.await(() -> probe.count(datagramFrom(member.getLocalPort())) == 1, WAIT, "its own datagram");
    }
}
