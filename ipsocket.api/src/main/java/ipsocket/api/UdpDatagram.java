package ipsocket.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable UDP datagram: a payload with its addressing, after the InCore
 * {@code UdpDatagram} type.
 *
 * <p>On receive, the sender is the peer and the destination is the receiving socket's local
 * address and port. Java does not report the address a datagram was sent to
 * ({@code IP_PKTINFO}), so a socket bound to the wildcard address reports the wildcard address
 * also for multicast and broadcast datagrams; bind to a specific address to tell them apart. On
 * send, the destination is where it goes (unset: the peer of the socket's virtual connection)
 * and the sender is ignored. Unset addresses are the empty string, unset ports -1.
 *
 * <p>The payload is copied in and out, so a datagram can be shared between threads freely.
 */
public final class UdpDatagram {

    /** The value of an unset port. */
    public static final int NO_PORT = -1;

    /** The value of an unset hop limit: the operating system chooses. */
    public static final int DEFAULT_HOP_LIMIT = -1;

    private final byte[] payload;
    private final String senderAddress;
    private final int senderPort;
    private final String destinationAddress;
    private final int destinationPort;
    private final int hopLimit;

    private UdpDatagram(Builder builder) {
        // The builder copied the payload in and never writes to its array, so datagrams built
        // from one builder may share it: nobody can change it.
        this.payload = builder.payload;
        this.senderAddress = builder.senderAddress;
        this.senderPort = builder.senderPort;
        this.destinationAddress = builder.destinationAddress;
        this.destinationPort = builder.destinationPort;
        this.hopLimit = builder.hopLimit;
    }

    /**
     * Returns a datagram with the given payload and no addressing, for sending to the peer of
     * a socket's virtual connection.
     *
     * @param payload the payload, copied
     * @return the datagram
     */
    public static UdpDatagram of(byte[] payload) {
        return builder().payload(payload).build();
    }

    /**
     * Returns a datagram for sending the given payload to an address and port.
     *
     * @param destinationAddress an IP literal or host name
     * @param destinationPort the destination port, 0 to 65535
     * @param payload the payload, copied
     * @return the datagram
     * @throws IllegalArgumentException if the port is out of range
     */
    public static UdpDatagram to(String destinationAddress, int destinationPort, byte[] payload) {
        return builder().destination(destinationAddress, destinationPort).payload(payload).build();
    }

    /**
     * Returns a new builder with an empty payload and nothing set.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a new builder holding this datagram's values, to derive a changed copy.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return new Builder()
                .payload(payload)
                .sender(senderAddress, senderPort)
                .destination(destinationAddress, destinationPort)
                .hopLimit(hopLimit);
    }

    /**
     * Returns a copy of the payload.
     *
     * @return the payload bytes
     */
    public byte[] getPayload() {
        return payload.clone();
    }

    /**
     * Returns the payload as a read-only buffer, without copying.
     *
     * @return a read-only view of the payload
     */
    public ByteBuffer getPayloadBuffer() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /**
     * Returns the payload decoded as UTF-8 (malformed input replaced).
     *
     * @return the payload as text
     */
    public String getPayloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * Returns the payload length.
     *
     * @return the number of payload bytes
     */
    public int size() {
        return payload.length;
    }

    /**
     * Returns the sender's address: the peer on receive.
     *
     * @return an IP literal, or the empty string when unset
     */
    public String getSenderAddress() {
        return senderAddress;
    }

    /**
     * Returns the sender's port: the peer's port on receive.
     *
     * @return the port, or {@link #NO_PORT} when unset
     */
    public int getSenderPort() {
        return senderPort;
    }

    /**
     * Returns the destination address: where to send, or on receive the receiving socket's
     * local address (see the class description).
     *
     * @return an IP literal or host name, or the empty string when unset
     */
    public String getDestinationAddress() {
        return destinationAddress;
    }

    /**
     * Returns the destination port.
     *
     * @return the port, or {@link #NO_PORT} when unset
     */
    public int getDestinationPort() {
        return destinationPort;
    }

    /**
     * Returns the hop limit (IPv4 TTL, IPv6 hop limit) to send with.
     *
     * @return 1 to 255, or {@link #DEFAULT_HOP_LIMIT} for the operating system's choice
     */
    public int getHopLimit() {
        return hopLimit;
    }

    /**
     * Returns whether a destination address and port are both set.
     *
     * @return {@code true} if the datagram names where it goes
     */
    public boolean hasDestination() {
        return !destinationAddress.isEmpty() && destinationPort != NO_PORT;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof UdpDatagram)) {
            return false;
        }
        UdpDatagram that = (UdpDatagram) other;
        return senderPort == that.senderPort
                && destinationPort == that.destinationPort
                && hopLimit == that.hopLimit
                && senderAddress.equals(that.senderAddress)
                && destinationAddress.equals(that.destinationAddress)
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(senderAddress, senderPort, destinationAddress, destinationPort, hopLimit)
                * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "UdpDatagram[" + payload.length + " bytes, from " + senderAddress + ":" + senderPort
                + " to " + destinationAddress + ":" + destinationPort
                + (hopLimit == DEFAULT_HOP_LIMIT ? "" : ", hopLimit " + hopLimit) + "]";
    }

    /**
     * Builds {@link UdpDatagram}s; every setter validates its argument at once.
     */
    public static final class Builder {
        private byte[] payload = new byte[0];
        private String senderAddress = "";
        private int senderPort = NO_PORT;
        private String destinationAddress = "";
        private int destinationPort = NO_PORT;
        private int hopLimit = DEFAULT_HOP_LIMIT;

        private Builder() {
        }

        /**
         * Sets the payload.
         *
         * @param payload the payload bytes, copied now
         * @return this builder
         * @throws NullPointerException if the payload is {@code null}
         */
        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload").clone();
            return this;
        }

        /**
         * Sets the payload from text, encoded as UTF-8.
         *
         * @param text the payload text
         * @return this builder
         * @throws NullPointerException if the text is {@code null}
         */
        public Builder payload(String text) {
            this.payload = Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Sets the sender address and port.
         *
         * @param address an IP literal, or {@code null} or empty for unset
         * @param port 0 to 65535, or {@link #NO_PORT}
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range
         */
        public Builder sender(String address, int port) {
            this.senderAddress = address == null ? "" : address;
            this.senderPort = checkPort("senderPort", port);
            return this;
        }

        /**
         * Sets the destination address and port.
         *
         * @param address an IP literal or host name, or {@code null} or empty for unset
         * @param port 0 to 65535, or {@link #NO_PORT}
         * @return this builder
         * @throws IllegalArgumentException if the port is out of range
         */
        public Builder destination(String address, int port) {
            this.destinationAddress = address == null ? "" : address;
            this.destinationPort = checkPort("destinationPort", port);
            return this;
        }

        /**
         * Sets the hop limit (TTL) to send with.
         *
         * @param hopLimit 1 to 255, or {@link #DEFAULT_HOP_LIMIT}
         * @return this builder
         * @throws IllegalArgumentException if the value is 0, below -1 or above 255
         */
        public Builder hopLimit(int hopLimit) {
            if (hopLimit != DEFAULT_HOP_LIMIT && (hopLimit < 1 || hopLimit > 255)) {
                throw new IllegalArgumentException("hopLimit " + hopLimit
                        + " is out of range: expected 1 to 255, or -1 for the OS default");
            }
            this.hopLimit = hopLimit;
            return this;
        }

        /**
         * Builds the datagram.
         *
         * @return a new immutable datagram
         */
        public UdpDatagram build() {
            return new UdpDatagram(this);
        }

        private static int checkPort(String name, int port) {
            if (port != NO_PORT && (port < 0 || port > 65535)) {
                throw new IllegalArgumentException(name + " " + port
                        + " is out of range: expected 0 to 65535, or -1 for unset");
            }
            return port;
        }
    }
}
