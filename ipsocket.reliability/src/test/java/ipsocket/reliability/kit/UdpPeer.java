package ipsocket.reliability.kit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A plain {@link DatagramSocket} peer for the UDP socket tests, bound to a loopback literal
 * and a port chosen by the operating system. It is used from the test thread only: sending
 * is immediate and receiving waits with a deadline ({@code SO_TIMEOUT}), never a sleep.
 */
public final class UdpPeer implements AutoCloseable {

    /** Larger than any UDP payload, so a received datagram is never cut. */
    private static final int RECEIVE_BUFFER = 65_536 + 1;

    private final DatagramSocket socket;
    private final InetSocketAddress local;

    /**
     * A datagram the peer received.
     *
     * @param payload the payload
     * @param sender where it came from
     */
    public record Received(byte[] payload, InetSocketAddress sender) {
        /** @return the payload as UTF-8 text */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Received[" + payload.length + " bytes from " + sender + "]";
        }
    }

    private UdpPeer(DatagramSocket socket) {
        this.socket = socket;
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /**
     * Binds a peer to an address literal and a port chosen by the operating system.
     *
     * @param host a loopback literal such as {@code 127.0.0.1} or {@code ::1}
     * @return the peer
     */
    public static UdpPeer bind(String host) {
        return bind(host, 0);
    }

    /**
     * Binds a peer to an address literal and port, without {@code SO_REUSEADDR}.
     *
     * @param host an address literal
     * @param port the port, 0 for any
     * @return the peer
     */
    public static UdpPeer bind(String host, int port) {
        try {
            DatagramSocket socket = new DatagramSocket(null);
            try {
                socket.setReuseAddress(false);
                socket.setReceiveBufferSize(1 << 20);
                socket.setSendBufferSize(1 << 20);
                socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            return new UdpPeer(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a UDP peer to " + host + ":" + port, e);
        }
    }

    /**
     * Returns a port on which nothing listens: bound once by the operating system's choice,
     * then released.
     *
     * @param host the address literal to find the port on
     * @return the port
     */
    public static int closedPort(String host) {
        try (UdpPeer probe = bind(host)) {
            return probe.port();
        }
    }

    /**
     * Returns whether a UDP socket can be bound to an address, for example {@code ::1}.
     *
     * @param host an address literal
     * @return {@code true} if binding worked
     */
    public static boolean canBind(String host) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0))) {
            return socket.getLocalPort() > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return the address the peer is bound to */
    public InetAddress address() {
        return local.getAddress();
    }

    /** @return the address the peer is bound to, as a literal */
    public String host() {
        return local.getAddress().getHostAddress();
    }

    /** @return the port the peer is bound to */
    public int port() {
        return local.getPort();
    }

    /**
     * Sends a datagram.
     *
     * @param payload the payload
     * @param host the destination literal
     * @param port the destination port
     */
    public void send(byte[] payload, String host, int port) {
        try {
            socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new UncheckedIOException("peer " + local + " cannot send " + payload.length
                    + " bytes to " + host + ":" + port, e);
        }
    }

    /**
     * Sends text as UTF-8.
     *
     * @param text the payload text
     * @param host the destination literal
     * @param port the destination port
     */
    public void send(String text, String host, int port) {
        send(text.getBytes(StandardCharsets.UTF_8), host, port);
    }

    /**
     * Receives the next datagram; fails when none arrives before the deadline.
     *
     * @param timeout the deadline
     * @return the datagram
     */
    public Received receive(Duration timeout) {
        Received received = poll(timeout);
        if (received == null) {
            fail("peer " + local + " received no datagram within " + timeout.toMillis() + " ms");
        }
        return received;
    }

    /**
     * Receives the next datagram, or returns {@code null} when none arrives before the
     * deadline.
     *
     * @param timeout the deadline, at least 1 ms
     * @return the datagram, or {@code null}
     */
    public Received poll(Duration timeout) {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("peer " + local + " cannot receive", e);
        }
        return new Received(Arrays.copyOf(buffer, packet.getLength()),
                (InetSocketAddress) packet.getSocketAddress());
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "UdpPeer[" + local + "]";
    }
}
