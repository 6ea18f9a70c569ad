package ipsocket.impl.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;

/**
 * The bytes accepted for sending and not yet handed to the operating system, as a queue of
 * chunks written to the channel with gathering writes.
 *
 * <p>Small writes are packed into shared chunks of {@link #SMALL_CHUNK} bytes; a larger write
 * becomes one exactly sized chunk. Nothing is kept once drained, not even the queue: an idle
 * socket holds no write buffer memory.
 *
 * <p>Not thread-safe: the socket guards it with its write lock.
 */
public final class WriteBuffer {
    /** Size of the shared chunks for small writes. */
    static final int SMALL_CHUNK = 4096;
    /** Most chunks handed to one gathering write. */
    private static final int GATHER = 16;

    /** One gathering array per writing thread, not per socket. */
    private static final ThreadLocal<ByteBuffer[]> GATHER_ARRAY = ThreadLocal.withInitial(() -> new ByteBuffer[GATHER]);

    /** Made by the first write that has to wait, dropped when drained. */
    private ArrayDeque<ByteBuffer> chunks;
    private long size;
    private IOException failure;

    /**
     * Returns the number of buffered bytes.
     *
     * @return the pending byte count
     */
    public long size() {
        return size;
    }

    /**
     * Returns whether nothing is buffered.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Copies bytes into the buffer.
     *
     * @param data the source array
     * @param offset the first byte to copy
     * @param length the number of bytes to copy
     */
    public void append(byte[] data, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (chunks == null) {
            chunks = new ArrayDeque<>(2);
        }
        ByteBuffer tail = chunks.peekLast();
        if (tail != null && tail.capacity() - tail.limit() >= length) {
            int end = tail.limit();
            tail.limit(end + length);
            System.arraycopy(data, offset, tail.array(), tail.arrayOffset() + end, length);
        } else {
            byte[] copy = new byte[Math.max(length, SMALL_CHUNK)];
            System.arraycopy(data, offset, copy, 0, length);
            chunks.addLast(ByteBuffer.wrap(copy, 0, length));
        }
        size += length;
    }

    /**
     * Copies the remaining bytes of a buffer into this one, advancing its position.
     *
     * @param source the bytes to append
     * @param length how many of the remaining bytes to take
     */
    public void append(ByteBuffer source, int length) {
        if (source.hasArray()) {
            append(source.array(), source.arrayOffset() + source.position(), length);
            source.position(source.position() + length);
        } else {
            byte[] copy = new byte[length];
            source.get(copy);
            append(copy, 0, length);
        }
    }

    /**
     * Writes as much as the channel accepts now. A failure after some bytes went out does not
     * lose their count: it is kept for {@link #takeFailure()} and the count is returned.
     *
     * @param channel a non-blocking channel
     * @return the number of bytes written
     */
    public long writeTo(GatheringByteChannel channel) {
        long total = 0;
        if (chunks == null) {
            return 0;
        }
        ByteBuffer[] gather = GATHER_ARRAY.get();
        try {
            while (!chunks.isEmpty()) {
                int count = 0;
                for (ByteBuffer chunk : chunks) {
                    gather[count++] = chunk;
                    if (count == GATHER) {
                        break;
                    }
                }
                long written;
                try {
                    written = count == 1 ? channel.write(gather[0]) : channel.write(gather, 0, count);
                } finally {
                    java.util.Arrays.fill(gather, 0, count, null);
                }
                if (written <= 0) {
                    break;
                }
                total += written;
                size -= written;
                while (!chunks.isEmpty() && !chunks.peekFirst().hasRemaining()) {
                    chunks.pollFirst();
                }
            }
        } catch (IOException e) {
            failure = e;
        }
        if (chunks.isEmpty()) {
            chunks = null;
        }
        return total;
    }

    /**
     * Returns and forgets the failure of the last {@link #writeTo} call.
     *
     * @return the failure, or {@code null} if the last write did not fail
     */
    public IOException takeFailure() {
        IOException taken = failure;
        failure = null;
        return taken;
    }

    /** Discards everything buffered. */
    public void clear() {
        chunks = null;
        size = 0;
    }
}
