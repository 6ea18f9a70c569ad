package ipsocket.impl.tls;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The big TLS buffers (encoded records in and out, decoded bytes in), lent to a connection for
 * one step and given back when it leaves them empty: an idle TLS connection holds none (about
 * 150 KB each otherwise), and a busy one takes the same buffers back each time, so no step
 * allocates once the pool has a few. Kept per capacity, at most {@link #KEPT} each (about 1 MiB
 * in all); a buffer grown past its capacity is left to the garbage collector.
 */
final class TlsBufferPool {
    /** Buffers kept per capacity: enough for the connections of all loops in one step each. */
    static final int KEPT = 16;

    private static final ConcurrentMap<Integer, ArrayBlockingQueue<ByteBuffer>> FREE = new ConcurrentHashMap<>();
    /** Buffers given back so far, kept or not: when a connection gives its buffers back shows here. */
    private static final AtomicLong GIVEN = new AtomicLong();

    private TlsBufferPool() {
    }

    /**
     * Lends an empty buffer.
     *
     * @param capacity its capacity
     * @return a buffer of exactly that capacity, cleared
     */
    static ByteBuffer take(int capacity) {
        ByteBuffer kept = FREE.computeIfAbsent(capacity, c -> new ArrayBlockingQueue<>(KEPT)).poll();
        return kept != null ? kept : ByteBuffer.allocate(capacity);
    }

    /**
     * Gives a buffer back; its owner must not use it any more.
     *
     * @param buffer the buffer, its contents no longer needed
     */
    static void give(ByteBuffer buffer) {
        GIVEN.incrementAndGet();
        ArrayBlockingQueue<ByteBuffer> free = FREE.get(buffer.capacity());
        if (free != null) {
            free.offer(buffer.clear()); // full: the garbage collector takes it
        }
    }

    /**
     * Returns how many buffers were given back since the class was loaded (diagnostics; a test
     * checks that a connection closed while its handshake task runs gives its buffers back only
     * after the task).
     *
     * @return the count
     */
    static long given() {
        return GIVEN.get();
    }
}
