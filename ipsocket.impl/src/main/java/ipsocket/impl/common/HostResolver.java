package ipsocket.impl.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import ipsocket.api.NetworkProtocol;

/**
 * Resolves a host name for a protocol and orders the addresses for connecting (RFC 8305 §4:
 * the families interleaved, IPv6 first).
 */
public final class HostResolver {

    private HostResolver() {
    }

    /**
     * Returns whether a host needs a lookup, or is an IP literal that can be used at once.
     *
     * @param host the host name or literal
     * @return {@code true} if resolving it may block
     */
    public static boolean needsLookup(String host) {
        return IpLiterals.parse(host).isEmpty();
    }

    /**
     * Resolves a host; blocks for a DNS lookup unless the host is a literal.
     *
     * @param host the host name or literal (IPv6 with optional {@code %scope})
     * @param protocol which families to keep
     * @return the addresses in connection order, never empty
     * @throws UnknownHostException if the host is unknown or has no address of the protocol
     */
    public static List<InetAddress> resolve(String host, NetworkProtocol protocol)
            throws UnknownHostException {
        Optional<InetAddress> literal = IpLiterals.parse(host);
        List<InetAddress> all = literal.isPresent() ? List.of(literal.get())
                : Arrays.asList(InetAddress.getAllByName(host));
        List<InetAddress> ordered = order(all, protocol);
        if (ordered.isEmpty()) {
            throw new UnknownHostException("host " + host + " has no "
                    + (protocol == NetworkProtocol.IPV4_PROTOCOL ? "IPv4" : "IPv6")
                    + " address (protocol " + protocol.seedName() + ")");
        }
        return ordered;
    }

    /**
     * Keeps the addresses of the protocol's families and interleaves them, IPv6 first.
     *
     * @param addresses the resolved addresses, in resolver order
     * @param protocol which families to keep
     * @return the addresses to try, in order
     */
    public static List<InetAddress> order(List<InetAddress> addresses, NetworkProtocol protocol) {
        Deque<InetAddress> v6 = new ArrayDeque<>();
        Deque<InetAddress> v4 = new ArrayDeque<>();
        for (InetAddress address : addresses) {
            if (address instanceof Inet6Address && protocol != NetworkProtocol.IPV4_PROTOCOL) {
                v6.add(address);
            } else if (address instanceof Inet4Address && protocol != NetworkProtocol.IPV6_PROTOCOL) {
                v4.add(address);
            }
        }
        List<InetAddress> ordered = new ArrayList<>(v6.size() + v4.size());
        while (!v6.isEmpty() || !v4.isEmpty()) {
            if (!v6.isEmpty()) {
                ordered.add(v6.poll());
            }
            if (!v4.isEmpty()) {
                ordered.add(v4.poll());
            }
        }
        return ordered;
    }
}
