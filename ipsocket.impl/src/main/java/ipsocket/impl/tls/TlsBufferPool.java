package ipsocket.impl.tls;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

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
        ArrayBlockingQueue<ByteBuffer> free = FREE.get(buffer.capacity());
        if (free != null) {
            free.offer(buffer.clear()); // full: the garbage collector takes it
        }
    }
}
