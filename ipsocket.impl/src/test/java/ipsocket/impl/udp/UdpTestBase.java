package ipsocket.impl.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;

import ipsocket.api.SocketState;
import ipsocket.impl.loop.EventLoopGroup;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.UdpPeer;

/**
 * Fixture shared by the UDP socket tests: an event loop group, sockets, probes and plain
 * loopback peers, all released after each test even when it fails.
 */
abstract class UdpTestBase {

    /** Deadline for things that normally take milliseconds. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long something that must not happen is watched for, after a positive control. */
    static final Duration QUIET = Duration.ofMillis(300);

    static final String V4 = "127.0.0.1";
    static final String V6 = "::1";

    private static final AtomicInteger SOCKET_IDS = new AtomicInteger();

    private final Deque<AutoCloseable> cleanups = new ArrayDeque<>();
    private EventLoopGroup loops;

    /** @return the test's event loop group (one I/O thread), created on first use */
    EventLoopGroup loops() {
        if (loops == null) {
            loops = new EventLoopGroup(1);
        }
        return loops;
    }

    /**
     * Registers something to close after the test, before what was registered earlier.
     *
     * @param <T> its type
     * @param closeable what to close
     * @return the same object
     */
    <T extends AutoCloseable> T closeAfterTest(T closeable) {
        cleanups.push(closeable);
        return closeable;
    }

    /**
     * Creates a socket with autoConnect off (nothing happens until the test asks), disposed
     * after the test.
     *
     * @return the socket
     */
    UdpSocketImpl newSocket() {
        UdpSocketImpl socket = new UdpSocketImpl(loops(), "udp-" + SOCKET_IDS.incrementAndGet());
        cleanups.push(socket::dispose);
        socket.setAutoConnect(false);
        return socket;
    }

    /**
     * Creates a socket with autoConnect left at its default (on), disposed after the test.
     *
     * @return the socket
     */
    UdpSocketImpl newAutoSocket() {
        UdpSocketImpl socket = new UdpSocketImpl(loops(), "udp-auto-" + SOCKET_IDS.incrementAndGet());
        cleanups.push(socket::dispose);
        return socket;
    }

    /**
     * Adds a new probe to a socket.
     *
     * @param socket the socket
     * @return the probe
     */
    static SocketProbe probe(UdpSocketImpl socket) {
        SocketProbe probe = new SocketProbe();
        socket.addListener(probe);
        return probe;
    }

    /**
     * Binds a plain peer to a loopback literal, closed after the test.
     *
     * @param host {@link #V4} or {@link #V6}
     * @return the peer
     */
    UdpPeer peer(String host) {
        return closeAfterTest(UdpPeer.bind(host));
    }

    /**
     * Binds a socket (autoConnect off) to a local address and a port chosen by the OS, and
     * waits until it is bound.
     *
     * @param socket the socket
     * @param probe its probe
     * @param localAddress the address literal, or the empty string for the wildcard
     */
    static void bindTo(UdpSocketImpl socket, SocketProbe probe, String localAddress) {
        socket.setLocalAddress(localAddress);
        socket.setLocalPort(0);
        bindNow(socket, probe);
    }

    /**
     * Binds a socket as configured and waits until it is bound.
     *
     * @param socket the socket
     * @param probe its probe
     */
    static void bindNow(UdpSocketImpl socket, SocketProbe probe) {
        assertEquals(true, socket.bind(), () -> "bind() refused: " + probe.describe());
        probe.awaitState(SocketState.BOUND, WAIT);
        assertEquals(SocketState.BOUND, socket.getState(), probe::describe);
    }

    /**
     * Waits until the socket's event loop has finished what it is doing now (for example
     * delivering a datagram whose counters the test already saw change), by running a task
     * on it: the loop runs tasks only between readiness handlers.
     *
     * @param socket the socket
     */
    static void awaitLoopIdle(UdpSocketImpl socket) {
        socket.joinedGroups();
    }

    /**
     * Skips the test when the IPv6 loopback address cannot be used.
     */
    static void assumeIpv6Loopback() {
        assumeTrue(UdpPeer.canBind(V6), "IPv6 loopback ::1 is not available on this host");
    }

    /**
     * Skips the test when {@code lo} cannot carry multicast.
     *
     * @return the loopback interface
     */
    static NetworkInterface assumeMulticastLoopback() {
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
    static NetworkInterface assumeIpv6InterfaceLocalMulticast() {
        try {
            for (NetworkInterface candidate : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!candidate.isUp() || candidate.isLoopback() || !candidate.supportsMulticast()) {
                    continue;
                }
                boolean hasIpv6 = Collections.list(candidate.getInetAddresses()).stream()
                        .anyMatch(a -> a instanceof java.net.Inet6Address);
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

    /**
     * Reads an option of the socket's operating-system socket.
     *
     * <p>Uses the accessor {@code <T> T osOption(SocketOption<T>)} of {@link UdpSocketImpl}
     * (requested from the lead, same shape as TcpSocketImpl's) when it exists; until then it
     * reads the option from the socket's channel directly.
     *
     * @param <T> the option's type
     * @param socket an open socket
     * @param option the option
     * @return the value the operating system reports
     */
    @SuppressWarnings("unchecked")
    static <T> T osOption(UdpSocketImpl socket, SocketOption<T> option) {
        try {
            Method accessor = UdpSocketImpl.class.getDeclaredMethod("osOption", SocketOption.class);
            accessor.setAccessible(true);
            return (T) accessor.invoke(socket, option);
        } catch (NoSuchMethodException e) {
            // not there yet: read the channel
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("osOption(" + option.name() + ") failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        try {
            Field field = UdpSocketImpl.class.getDeclaredField("channel");
            field.setAccessible(true);
            DatagramChannel channel = (DatagramChannel) field.get(socket);
            if (channel == null) {
                fail("socket " + socket + " has no OS socket");
            }
            return channel.getOption(option);
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException("cannot read " + option.name(), e);
        }
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
    static <T> T referenceOption(SocketOption<T> option, T value) {
        try (DatagramChannel reference = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            reference.setOption(option, value);
            return reference.getOption(option);
        } catch (IOException e) {
            throw new IllegalStateException("cannot set " + option.name() + " on a plain channel", e);
        }
    }

    /**
     * Parses an address literal (no lookup).
     *
     * @param literal the literal
     * @return the address
     */
    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @AfterEach
    final void releaseEverything() throws Exception {
        Exception first = null;
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().close();
            } catch (Exception | AssertionError e) {
                Exception wrapped = e instanceof Exception ex ? ex : new Exception(e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        if (loops != null) {
            try {
                loops.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
            loops = null;
        }
        if (first != null) {
            throw first;
        }
    }
}
