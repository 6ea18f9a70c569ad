package ipsocket.impl.udp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import ipsocket.impl.common.IpLiterals;

/**
 * The multicast groups one datagram channel has joined, kept in step with the configured list.
 *
 * <p>A group is joined on the named interface, or on every interface that is up, supports
 * multicast and has an address of the group's family when none is named. A group whose
 * family the channel cannot carry (an IPv6 group on an IPv4 socket) is reported, not joined.
 */
final class MulticastMemberships {
    private final Map<String, List<MembershipKey>> joined = new HashMap<>();

    /**
     * Joins groups now listed and leaves groups no longer listed.
     *
     * @param channel the bound channel
     * @param ipv6Channel whether the channel is an IPv6 (dual-stack) socket
     * @param groups the configured group literals
     * @param interfaceName the configured interface, or empty for all capable ones
     * @param problems receives each group that could not be joined and why
     */
    void update(DatagramChannel channel, boolean ipv6Channel, List<String> groups, String interfaceName,
            BiConsumer<String, Exception> problems) {
        for (String group : new ArrayList<>(joined.keySet())) {
            if (!groups.contains(group)) {
                leave(group);
            }
        }
        for (String group : groups) {
            if (joined.containsKey(group)) {
                continue;
            }
            try {
                joined.put(group, join(channel, ipv6Channel, group, interfaceName));
            } catch (IOException | RuntimeException e) {
                problems.accept(group, e);
            }
        }
    }

    /** Leaves every group; the channel stays open. */
    void leaveAll() {
        for (String group : new ArrayList<>(joined.keySet())) {
            leave(group);
        }
    }

    /** Forgets every membership of a closed channel. */
    void clear() {
        joined.clear();
    }

    /**
     * Returns the joined groups.
     *
     * @return the group literals
     */
    List<String> groups() {
        return List.copyOf(joined.keySet());
    }

    private void leave(String group) {
        List<MembershipKey> keys = joined.remove(group);
        if (keys != null) {
            keys.forEach(MembershipKey::drop);
        }
    }

    private static List<MembershipKey> join(DatagramChannel channel, boolean ipv6Channel, String group,
            String interfaceName) throws IOException {
        InetAddress address = IpLiterals.parse(group)
                .orElseThrow(() -> new IOException("'" + group + "' is not an IP literal"));
        if (address instanceof Inet6Address && !ipv6Channel) {
            throw new UnsupportedOperationException("the IPv6 group " + group
                    + " cannot be joined on an IPv4 socket (set protocol to IPv6Protocol)");
        }
        List<NetworkInterface> interfaces = interfaceName.isEmpty()
                ? capableInterfaces(address) : List.of(UdpOptions.requireInterface(interfaceName));
        if (interfaces.isEmpty()) {
            throw new SocketException("no network interface is up with multicast and an "
                    + (address instanceof Inet4Address ? "IPv4" : "IPv6") + " address to join " + group
                    + " (on Linux: ip link set lo multicast on)");
        }
        List<MembershipKey> keys = new ArrayList<>();
        IOException last = null;
        for (NetworkInterface networkInterface : interfaces) {
            try {
                keys.add(channel.join(address, networkInterface));
            } catch (IOException e) {
                last = e;
            }
        }
        if (keys.isEmpty()) {
            throw last;
        }
        return keys;
    }

    private static List<NetworkInterface> capableInterfaces(InetAddress group) throws SocketException {
        List<NetworkInterface> capable = new ArrayList<>();
        Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
        for (NetworkInterface candidate : all == null ? List.<NetworkInterface>of() : Collections.list(all)) {
            if (!candidate.isUp() || !candidate.supportsMulticast()) {
                continue;
            }
            for (InetAddress address : Collections.list(candidate.getInetAddresses())) {
                if (address.getClass() == group.getClass()) {
                    capable.add(candidate);
                    break;
                }
            }
        }
        return capable;
    }
}
