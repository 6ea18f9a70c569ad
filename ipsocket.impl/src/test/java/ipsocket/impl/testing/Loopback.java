package ipsocket.impl.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/**
 * Loopback addresses, free ports, and the checks that skip a test when this host's loopback
 * lacks what the test needs (IPv6, multicast).
 */
public final class Loopback {

    /** The IPv4 loopback literal. */
    public static final String V4 = "127.0.0.1";
    /** The IPv6 loopback literal. */
    public static final String V6 = "::1";

    private Loopback() {
    }

    /**
     * Parses an address literal (no lookup).
     *
     * @param literal the literal
     * @return the address
     */
    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /**
     * Returns an address on 127.0.0.1 that nothing listens on: bound by the operating system,
     * then released.
     *
     * @return the address
     */
    public static InetSocketAddress freeTcpAddress() {
        try (ServerSocket probe = new ServerSocket(0, 1, ip(V4))) {
            return (InetSocketAddress) probe.getLocalSocketAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Skips the test when the IPv6 loopback address cannot be used.
     */
    public static void assumeIpv6Loopback() {
        assumeTrue(UdpPeer.canBind(V6), "IPv6 loopback ::1 is not available on this host");
    }

    /**
     * Skips the test when {@code lo} cannot carry multicast.
     *
     * @return the loopback interface
     */
    public static NetworkInterface assumeMulticastLoopback() {
        NetworkInterface lo;
        try {
            lo = NetworkInterface.getByName("lo");
            assumeTrue(lo != null, "no interface named 'lo' (the multicast tests are written for Linux)");
            assumeTrue(lo.isUp() && lo.supportsMulticast(), "interface 'lo' lacks the MULTICAST flag: run "
                    + "`ip link set lo multicast on` (CI's .ci/run does)");
        } catch (SocketException e) {
            throw new IllegalStateException("cannot inspect interface 'lo'", e);
        }
        return lo;
    }

    /**
     * Finds an interface for interface-local IPv6 multicast ({@code ff01::/16}): up,
     * multicast-capable, not loopback, with an IPv6 address. Linux never transmits
     * interface-local multicast on such an interface (it only loops it back when
     * {@code IPV6_MULTICAST_LOOP} is on), so nothing leaves the machine; Linux's {@code lo}
     * itself has no IPv6 multicast route. Skips the test when there is none.
     *
     * @return the interface
     */
    public static NetworkInterface assumeIpv6InterfaceLocalMulticast() {
        try {
            for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!candidate.isUp() || candidate.isLoopback() || !candidate.supportsMulticast()) {
                    continue;
                }
                boolean hasIpv6 = Collections.list(candidate.getInetAddresses()).stream()
                        .anyMatch(a -> a instanceof Inet6Address);
                if (hasIpv6) {
                    return candidate;
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces", e);
        }
        assumeTrue(false, "no interface is up with MULTICAST and an IPv6 address, needed for "
                + "interface-local (ff01::) multicast; Linux's lo has no IPv6 multicast route");
        return null;
    }
}
