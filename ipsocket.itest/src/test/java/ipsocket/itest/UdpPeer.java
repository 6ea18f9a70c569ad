package ipsocket.itest;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * A loopback UDP peer of the sockets under test: a {@link DatagramSocket} on 127.0.0.1 with an
 * ephemeral port. Receiving waits with a deadline (the socket timeout).
 */
final class UdpPeer implements AutoCloseable {
    private final DatagramSocket socket;

    /**
     * Opens the peer.
     *
     * @throws IOException if the socket cannot be opened
     */
    UdpPeer() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** @return the peer's port */
    int port() {
        return socket.getLocalPort();
    }

    /**
     * Receives one datagram.
     *
     * @param timeout the deadline
     * @return the datagram, with its sender
     * @throws IOException if receiving fails
     * @throws AssertionError if nothing arrives in time
     */
    DatagramPacket receive(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No datagram on port " + port() + " within " + timeout, e);
        }
        return packet;
    }

    /**
     * Receives one datagram and returns its payload as UTF-8 text.
     *
     * @param timeout the deadline
     * @return the payload
     * @throws IOException if receiving fails
     */
    String receiveText(Duration timeout) throws IOException {
        DatagramPacket packet = receive(timeout);
        return new String(Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                packet.getOffset() + packet.getLength()), StandardCharsets.UTF_8);
    }

    /**
     * Sends a datagram to a port on 127.0.0.1.
     *
     * @param port the destination port
     * @param text the payload, as UTF-8
     * @throws IOException if sending fails
     */
    void send(int port, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    @Override
    public void close() {
        socket.close();
    }
}
