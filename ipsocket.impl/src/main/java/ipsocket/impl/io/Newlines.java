package ipsocket.impl.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds line feeds eight bytes at a time: each word of the array is tested for a byte equal to
 * {@code '\n'} with the classic "has zero byte" bit trick, so a line-based protocol pays about
 * one operation per eight bytes for scanning instead of one compare and branch per byte.
 */
final class Newlines {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Newlines() {
    }

    /**
     * Returns the index of the first {@code '\n'} in {@code data[from, to)}, or -1.
     *
     * @param data the bytes
     * @param from the first index to look at
     * @param to the index after the last one to look at
     * @return the index of the first line feed, or -1 if there is none
     */
    static int indexOf(byte[] data, int from, int to) {
        int at = from;
        for (int lastWord = to - Long.BYTES; at <= lastWord; at += Long.BYTES) {
            long word = (long) LONGS.get(data, at) ^ LINE_FEEDS; // a line feed becomes a zero byte
            long zeros = (word - ONES) & ~word & HIGH_BITS;
            if (zeros != 0) {
                // Little endian: the lowest flagged byte is the first; the trick never flags a
                // byte below the first real zero, so this index is exact.
                return at + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; at < to; at++) {
            if (data[at] == '\n') {
                return at;
            }
        }
        return -1;
    }
}
