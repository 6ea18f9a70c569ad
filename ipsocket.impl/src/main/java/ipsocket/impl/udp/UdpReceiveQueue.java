package ipsocket.impl.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.IpLiterals;

/**
 * The received datagrams of a UDP socket that nobody has read yet: bounded in datagrams and in
 * bytes; what arrives beyond the bounds is dropped and counted, never queued.
 *
 * <p>The loop offers, callers' threads take; one lock guards the queue.
 */
final class UdpReceiveQueue {
    /** What became of an offered datagram. */
    enum Offer {
        /** Queued. */
        QUEUED,
        /** Dropped: the queue is full. */
        DROPPED,
        /** Dropped, and the first since the queue was last read below its bound. */
        FIRST_DROPPED
    }

    private final Object lock = new Object();
    private final ArrayDeque<UdpDatagram> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private long bytes;
    private boolean overflowing;

    /**
     * Queues a datagram unless a bound is reached; a datagram larger than the byte bound is
     * still queued when the queue is empty, so that it can be read at all.
     *
     * @param datagram the datagram
     * @param maxDatagrams the bound in datagrams
     * @param maxBytes the bound in bytes
     * @return what became of it
     */
    Offer offer(UdpDatagram datagram, int maxDatagrams, long maxBytes) {
        synchronized (lock) {
            boolean full = queue.size() >= maxDatagrams
                    || !queue.isEmpty() && bytes + datagram.size() > maxBytes;
            if (full) {
                dropped.incrementAndGet();
                boolean first = !overflowing;
                overflowing = true;
                return first ? Offer.FIRST_DROPPED : Offer.DROPPED;
            }
            queue.addLast(datagram);
            bytes += datagram.size();
            return Offer.QUEUED;
        }
    }

    /**
     * Takes the oldest datagram.
     *
     * @param maxDatagrams the bound in datagrams, to know when the overflow ends
     * @return the datagram, or {@code null} if none is queued
     */
    UdpDatagram poll(int maxDatagrams) {
        synchronized (lock) {
            UdpDatagram next = queue.pollFirst();
            if (next != null) {
                bytes -= next.size();
            }
            if (queue.size() < maxDatagrams) {
                overflowing = false;
            }
            return next;
        }
    }

    /**
     * Returns the oldest datagram without taking it.
     *
     * @return the datagram, or {@code null}
     */
    UdpDatagram peek() {
        synchronized (lock) {
            return queue.peekFirst();
        }
    }

    /**
     * Returns how many datagrams are queued.
     *
     * @return the count
     */
    int size() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /**
     * Returns how many datagrams were dropped because the queue was full.
     *
     * @return the count since the socket was made
     */
    long dropped() {
        return dropped.get();
    }

    /**
     * Keeps only the datagrams of one peer (a virtual connection reads its peer's datagrams only,
     * also those queued before connecting).
     *
     * @param peer the peer
     */
    void keepOnlyFrom(InetSocketAddress peer) {
        synchronized (lock) {
            queue.removeIf(datagram -> datagram.getSenderPort() != peer.getPort()
                    || !sameAddress(datagram.getSenderAddress(), peer.getAddress()));
            bytes = queue.stream().mapToLong(UdpDatagram::size).sum();
        }
    }

    private static boolean sameAddress(String literal, InetAddress address) {
        return IpLiterals.parse(literal).map(parsed -> parsed.equals(address)).orElse(false);
    }
}
