package ipsocket.impl.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ipsocket.api.UdpDatagram;
import ipsocket.impl.common.IpLiterals;

/**
 * The received datagrams of a UDP socket that nobody has read yet: bounded in datagrams and in
 * bytes. The newest are kept, the oldest unread are dropped: an arriving datagram is always
 * queued, evicting the oldest unread datagrams until it fits within both bounds (one larger than
 * the byte bound alone is queued with the queue emptied, so that it can be read at all); the
 * evicted datagrams are counted as dropped. A socket nobody reads (its consumers only use events)
 * therefore keeps hearing every arrival, and its memory stays bounded.
 *
 * <p>Drops are reported by warnings the queue paces: at most one per
 * {@link #WARNING_INTERVAL_NANOS}, each with the number dropped since the previous one (the
 * first drop after a quiet second is reported at once).
 *
 * <p>The loop offers, callers' threads take; one lock guards the queue. The warning bookkeeping
 * is the loop's alone.
 */
final class UdpReceiveQueue {
    /** The least time between two warnings about drops of one socket: one second. */
    static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What became of an offered datagram. */
    enum Offer {
        /** Queued, nothing evicted. */
        QUEUED,
        /** Queued, evicting the oldest unread datagrams; a warning about it is not due yet. */
        QUEUED_EVICTED,
        /**
         * Queued, evicting the oldest unread datagrams, and a warning is due now:
         * {@link #takeUnwarned()} says how many it reports.
         */
        QUEUED_EVICTED_WARN
    }

    private final Object lock = new Object();
    private final ArrayDeque<UdpDatagram> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private long bytes;
    private long warnedNanos;
    private long droppedWhenWarned;

    /**
     * Queues a datagram, always: first the oldest unread datagrams are evicted (and counted as
     * dropped) until it fits within both bounds; a datagram larger than the byte bound is queued
     * with the queue emptied, so that it can be read at all.
     *
     * @param datagram the datagram
     * @param maxDatagrams the bound in datagrams (at least 1)
     * @param maxBytes the bound in bytes
     * @return whether datagrams were evicted for it, and whether a warning is due
     */
    Offer offer(UdpDatagram datagram, int maxDatagrams, long maxBytes) {
        synchronized (lock) {
            int evicted = 0;
            while (!queue.isEmpty() && (queue.size() >= maxDatagrams || bytes + datagram.size() > maxBytes)) {
                bytes -= queue.pollFirst().size();
                evicted++;
            }
            queue.addLast(datagram);
            bytes += datagram.size();
            if (evicted == 0) {
                return Offer.QUEUED;
            }
            dropped.addAndGet(evicted);
            return warningDue(System.nanoTime()) ? Offer.QUEUED_EVICTED_WARN : Offer.QUEUED_EVICTED;
        }
    }

    /**
     * Takes the oldest datagram.
     *
     * @return the datagram, or {@code null} if none is queued
     */
    UdpDatagram poll() {
        synchronized (lock) {
            UdpDatagram next = queue.pollFirst();
            if (next != null) {
                bytes -= next.size();
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
     * Returns whether a warning about drops may be given now (none was given in the last
     * {@link #WARNING_INTERVAL_NANOS}); call on the loop thread.
     *
     * @param nowNanos {@link System#nanoTime()} now
     * @return {@code true} if a warning is due
     */
    boolean warningDue(long nowNanos) {
        return nowNanos - warnedNanos >= WARNING_INTERVAL_NANOS || droppedWhenWarned == 0;
    }

    /**
     * Returns the time until a warning may be given again; call on the loop thread.
     *
     * @param nowNanos {@link System#nanoTime()} now
     * @return nanoseconds, 0 if a warning is due now
     */
    long nanosUntilWarning(long nowNanos) {
        return warningDue(nowNanos) ? 0 : warnedNanos + WARNING_INTERVAL_NANOS - nowNanos;
    }

    /**
     * Records that a warning is given now and returns how many datagrams it reports: those
     * dropped since the previous warning; call on the loop thread.
     *
     * @return the number dropped since the previous warning (0 if none)
     */
    long takeUnwarned() {
        long total = dropped.get();
        long unwarned = total - droppedWhenWarned;
        droppedWhenWarned = total;
        warnedNanos = System.nanoTime();
        return unwarned;
    }

    /**
     * Returns how many unread datagrams were dropped (evicted by newer ones) because the queue
     * was full.
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
