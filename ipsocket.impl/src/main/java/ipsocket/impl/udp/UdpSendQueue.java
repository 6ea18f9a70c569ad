package ipsocket.impl.udp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;

import ipsocket.api.SocketError;
import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.ChannelOutput;

/**
 * The datagrams of a UDP socket accepted for sending: sent straight from the caller's thread
 * while nothing is queued, otherwise queued (bounded in bytes by the write buffer limit) for the
 * loop to send. A datagram whose destination is being looked up holds its place in the bound.
 *
 * <p>One lock guards the queue and the byte count; the loop sends under the same order.
 */
final class UdpSendQueue extends ChannelOutput<UdpSocketImpl, DatagramChannel> {
    /** A datagram accepted for sending. */
    static final class Outgoing {
        final ByteBuffer payload;
        final InetSocketAddress target; // null: the connected peer
        final int hopLimit;

        Outgoing(ByteBuffer payload, InetSocketAddress target, int hopLimit) {
            this.payload = payload;
            this.target = target;
            this.hopLimit = hopLimit;
        }
    }

    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    /** Queued bytes plus those reserved by pending lookups. */
    private long bytes;

    /**
     * Creates the send side of a socket.
     *
     * @param transport the socket's transport, which sends what is queued on the loop thread
     */
    UdpSendQueue(UdpTransport transport) {
        super(transport);
    }

    /**
     * Lets datagrams go straight to a channel, or stops that.
     *
     * @param channel the open channel, or {@code null}
     */
    void direct(DatagramChannel channel) {
        synchronized (this) {
            setDirectChannel(channel);
        }
    }

    /**
     * Counts a datagram against the bound before it is queued.
     *
     * @param size its size
     * @return {@code false} (and a TemporaryError) if the queue is full
     */
    boolean reserve(int size) {
        synchronized (this) {
            if (bytes + size > socket.getWriteBufferLimit() && bytes > 0) {
                socket.status().reportErrorFromAnyThread(SocketError.TEMPORARY_ERROR, "The send queue of socket '"
                        + socket.getObjectId() + "' is full (" + bytes + " bytes pending): datagram refused");
                return false;
            }
            bytes += size;
            return true;
        }
    }

    /**
     * Gives back a reservation whose datagram will not be sent.
     *
     * @param size its size
     */
    void release(int size) {
        synchronized (this) {
            bytes -= size;
        }
    }

    /**
     * Reserves and queues (or sends) a datagram.
     *
     * @param datagram the datagram
     * @param target where to, or {@code null} for the connected peer
     * @return {@code false} if the queue is full
     */
    boolean enqueue(UdpDatagram datagram, InetSocketAddress target) {
        if (!reserve(datagram.size())) {
            return false;
        }
        enqueueReserved(datagram, target);
        return true;
    }

    /**
     * Sends or queues a datagram that holds a reservation.
     *
     * @param datagram the datagram
     * @param target where to, or {@code null} for the connected peer
     */
    void enqueueReserved(UdpDatagram datagram, InetSocketAddress target) {
        synchronized (this) {
            if (sendDirectly(datagram, target)) {
                return;
            }
            queue.addLast(new Outgoing(datagram.getPayloadBuffer(), target, datagram.getHopLimit()));
        }
        scheduleFlush();
    }

    /**
     * Sends a datagram from the caller's thread while nothing is queued (no hop to the loop);
     * call holding the lock, so queued datagrams keep their order. Anything unusual (a full
     * socket buffer, an error, a hop limit, an empty payload) takes the queue instead, where the
     * loop sends it and reports what goes wrong.
     *
     * @return {@code true} if the datagram went out
     */
    private boolean sendDirectly(UdpDatagram datagram, InetSocketAddress target) {
        DatagramChannel directChannel = directChannel();
        if (directChannel == null || !queue.isEmpty() || datagram.size() == 0
                || datagram.getHopLimit() != UdpDatagram.DEFAULT_HOP_LIMIT) {
            return false;
        }
        try {
            ByteBuffer payload = datagram.getPayloadBuffer();
            int sent = target == null ? directChannel.write(payload) : directChannel.send(payload, target);
            if (sent <= 0) {
                return false;
            }
        } catch (PortUnreachableException e) {
            // the kernel reports an earlier ICMP port unreachable once, to this call: pass it on
            socket.status().reportErrorFromAnyThread(SocketError.CONNECTION_REFUSED_ERROR, "Connection refused: "
                    + socket.endpoint() + " answered a datagram of socket '" + socket.getObjectId()
                    + "' with ICMP port unreachable");
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
        bytes -= datagram.size();
        sentDirectly(datagram.size());
        return true;
    }

    /**
     * Returns the oldest queued datagram without taking it.
     *
     * @return the datagram, or {@code null}
     */
    Outgoing peek() {
        synchronized (this) {
            return queue.peekFirst();
        }
    }

    /**
     * Takes the oldest queued datagram after the loop sent (or gave up on) it.
     *
     * @param size its payload size before sending
     */
    void remove(int size) {
        synchronized (this) {
            queue.pollFirst();
            bytes -= size;
        }
    }

    /** Drops every queued datagram; reservations of pending lookups stay. */
    void discard() {
        synchronized (this) {
            for (Outgoing queued : queue) {
                bytes -= queued.payload.remaining();
            }
            queue.clear();
        }
    }

    /**
     * Returns how many datagrams wait in the queue.
     *
     * @return the count
     */
    int size() {
        synchronized (this) {
            return queue.size();
        }
    }

    /**
     * Returns the bytes waiting, including those of pending lookups.
     *
     * @return the bytes
     */
    long bytes() {
        synchronized (this) {
            return bytes;
        }
    }
}
