package ipsocket.impl.io;

/**
 * Arrays of one size kept for the next arrivals: when a reader copies a chunk out
 * ({@link ReadBuffer#read(java.nio.ByteBuffer, ChunkCache)}) its array comes here instead of
 * going to the garbage collector, and the next arrival that fits is read into it (a smaller one
 * leaves the rest of the array to the arrivals after it). A bulk stream read through a caller's
 * buffer then allocates (and zeroes) no memory per arrival, whatever sizes the OS hands over.
 *
 * <p>One per event loop, used by its thread only (not thread-safe); larger arrivals and chunks
 * drained on other threads are allocated and collected as before. It holds at most
 * {@code kept} arrays of {@code size} bytes, and none until a reader gives one back, so sockets
 * whose readers take whole arrays ({@code read(int)}, {@code readAll()}) keep getting arrays of
 * exactly their arrival's size, which those hand over without a copy.
 */
public final class ChunkCache {
    private final int size;
    private final byte[][] kept;
    private int count;

    /**
     * Creates an empty cache.
     *
     * @param size the length of the arrays it keeps
     * @param kept how many it keeps at most
     */
    public ChunkCache(int size, int kept) {
        this.size = size;
        this.kept = new byte[kept][];
    }

    /**
     * Returns an array of at least {@code length} bytes: a kept one when it is large enough,
     * else a new one of exactly that length. A kept array holds old bytes: the caller
     * overwrites what it uses.
     *
     * @param length the length wanted
     * @return a kept array of the cache's size, or a new array of exactly {@code length} bytes
     */
    public byte[] take(int length) {
        if (length <= size && count > 0) {
            byte[] array = kept[--count];
            kept[count] = null;
            return array;
        }
        return new byte[length];
    }

    /**
     * Keeps an array nobody uses any more, if it has the cache's size and there is room.
     *
     * @param array the array, its contents no longer needed
     */
    public void give(byte[] array) {
        if (array.length == size && count < kept.length) {
            kept[count++] = array;
        }
    }

    /**
     * Returns how many arrays are kept now.
     *
     * @return the count
     */
    public int kept() {
        return count;
    }
}
