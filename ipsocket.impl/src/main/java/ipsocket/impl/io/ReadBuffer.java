package ipsocket.impl.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes a socket received and the user has not read yet, as a queue of chunks.
 *
 * <p>An arrival into an empty buffer, and any arrival of at least {@link #SMALL_CHUNK} bytes,
 * becomes one exactly sized chunk, which {@link #read(int)} and {@link #readAll()} hand over
 * without copying when it is all that is buffered: a request/response peer's answer costs one
 * array, the one the reader gets. Where the loop's {@link ChunkCache} holds arrays that readers
 * drained (a stream read through {@link #read(ByteBuffer, ChunkCache)}), a new chunk is one of
 * those instead, and the arrivals after it fill the rest of it. Small arrivals behind others
 * share chunks of {@link #SMALL_CHUNK} bytes, so that a trickle of single bytes stays compact.
 * The chunks are linked through themselves (no queue object), and nothing is kept once the
 * buffer is drained, so an idle socket holds no buffer memory. Line scanning remembers how far it has looked, so
 * each byte is scanned once.
 *
 * <p>Not thread-safe: the socket guards it with its read lock.
 */
public final class ReadBuffer {
    /** Size of the shared chunks for small arrivals. */
    static final int SMALL_CHUNK = 4096;
    private static final byte[] EMPTY = new byte[0];

    /** The oldest chunk, {@code null} when drained: an idle socket holds nothing. */
    private Chunk head;
    /** The newest chunk, where small arrivals are appended. */
    private Chunk tail;
    private long size;
    /** Bytes from the front already known to contain no line feed. */
    private long scannedWithoutNewline;
    /** Offset from the front of the first line feed once found, -1 while unknown. */
    private long knownNewline = -1;

    /**
     * Returns the number of buffered bytes.
     *
     * @return the buffered byte count
     */
    public long size() {
        return size;
    }

    /**
     * Appends the remaining bytes of {@code source}, advancing its position to its limit.
     *
     * @param source the bytes to append
     * @return {@code true} if the appended bytes contain a line feed
     */
    public boolean append(ByteBuffer source) {
        return append(source, null);
    }

    /**
     * Appends the remaining bytes of {@code source}, taking the arrays of new chunks from a
     * cache of arrays that readers drained.
     *
     * @param source the bytes to append
     * @param arrays where new chunks' arrays come from, or {@code null} to allocate them
     * @return {@code true} if the appended bytes contain a line feed
     */
    public boolean append(ByteBuffer source, ChunkCache arrays) {
        int length = source.remaining();
        if (length == 0) {
            return false;
        }
        if (tail == null) {
            head = tail = new Chunk(array(length, arrays)); // exact (unless a drained one is kept): handed over whole if read whole
        } else if (tail.spare() < length) {
            Chunk next = new Chunk(array(Math.max(length, SMALL_CHUNK), arrays));
            tail.next = next;
            tail = next;
        }
        int from = tail.end;
        source.get(tail.data, from, length);
        tail.end += length;
        long before = size;
        size += length;
        // Scan the new bytes once, in the heap copy; remember the result when everything before
        // them is known to be free of line feeds, so that readLine need not look at them again.
        int at = Newlines.indexOf(tail.data, from, from + length);
        if (knownNewline < 0 && scannedWithoutNewline == before) {
            if (at >= 0) {
                knownNewline = before + (at - from);
            } else {
                scannedWithoutNewline = size;
            }
        }
        return at >= 0;
    }

    private static byte[] array(int length, ChunkCache arrays) {
        return arrays == null ? new byte[length] : arrays.take(length);
    }

    /**
     * Removes bytes into {@code target}, as many as it has room for; the arrays of the chunks
     * this drains go to {@code drained} (never an array handed to a reader: those are not ours).
     *
     * @param target where the bytes go, from its position
     * @param drained where emptied chunks' arrays go for reuse, or {@code null}
     * @return the number of bytes moved
     */
    public int read(ByteBuffer target, ChunkCache drained) {
        int length = (int) Math.min(target.remaining(), size);
        transfer(target, length, true, drained);
        return length;
    }

    /**
     * Removes and returns at most {@code max} bytes.
     *
     * @param max the most bytes to return
     * @return the bytes, possibly empty
     */
    public byte[] read(int max) {
        int length = (int) Math.min(max, size);
        if (length == 0) {
            return EMPTY;
        }
        Chunk first = head;
        if (first.start == 0 && first.end == length && first.data.length == length) {
            dropHead();
            consumed(length);
            return first.data; // whole exact chunk: hand it over, no copy
        }
        byte[] out = new byte[length];
        copy(out, length, true);
        return out;
    }

    /**
     * Removes and returns everything buffered.
     *
     * @return the bytes, possibly empty
     */
    public byte[] readAll() {
        return read((int) Math.min(Integer.MAX_VALUE - 8, size));
    }

    /**
     * Returns a copy of everything buffered without removing it.
     *
     * @return the bytes, possibly empty
     */
    public byte[] peekAll() {
        int length = (int) Math.min(Integer.MAX_VALUE - 8, size);
        byte[] out = new byte[length];
        copy(out, length, false);
        return out;
    }

    /**
     * Returns whether a line is ready: a line feed is buffered, or at least
     * {@code maxLineLength} bytes are.
     *
     * @param maxLineLength the longest line returned in one piece
     * @return {@code true} if {@link #readLine(int)} returns a line
     */
    public boolean canReadLine(int maxLineLength) {
        return size >= maxLineLength || newlineIndex() >= 0;
    }

    /**
     * Removes and returns one line without its terminator ({@code \n} or {@code \r\n}); when no
     * line feed comes within {@code maxLineLength} bytes, those bytes are returned as a line.
     *
     * @param maxLineLength the longest line returned in one piece
     * @return the line's bytes, or {@code null} when no line is ready
     */
    public byte[] readLine(int maxLineLength) {
        return takeLine(maxLineLength, (data, offset, length) -> Arrays.copyOfRange(data, offset, offset + length));
    }

    /**
     * Removes one line as {@link #readLine(int)} does and decodes it as UTF-8, straight from the
     * buffered chunk when the line lies in one (no intermediate copies).
     *
     * @param maxLineLength the longest line returned in one piece
     * @return the line without terminator, or {@code null} when no line is ready
     */
    public String readLineText(int maxLineLength) {
        return takeLine(maxLineLength,
                (data, offset, length) -> new String(data, offset, length, StandardCharsets.UTF_8));
    }

    /**
     * Returns whether a line feed is known to be buffered, without scanning: true after an
     * {@link #append} or a line read that found the next one. A cheap first answer to
     * {@link #canReadLine(int)}, which scans when this says no.
     *
     * @return {@code true} if a line ending in a line feed is ready
     */
    public boolean lineFeedKnown() {
        return knownNewline >= 0;
    }

    /** Makes a line's value from bytes without copying them first. */
    private interface LineDecoder<T> {
        T decode(byte[] data, int offset, int length);
    }

    /** Removes the next line and decodes it straight from its chunk, or from one copy when it spans chunks. */
    private <T> T takeLine(int maxLineLength, LineDecoder<T> decoder) {
        long line = nextLine(maxLineLength);
        if (line < 0) {
            return null;
        }
        int take = (int) (line >>> 32);
        int textLength = (int) line;
        Chunk first = head;
        T value;
        if (first.end - first.start >= take) {
            value = decoder.decode(first.data, first.start, textLength);
            advanceHead(first, take);
        } else {
            value = decoder.decode(read(take), 0, textLength);
        }
        // Look for the next line now, while the bytes are in cache: a reader's next
        // canReadLine() then answers from lineFeedKnown() alone. Bounded by the line limit, and
        // each byte is still scanned once (the scan remembers how far it looked).
        newlineIndex(maxLineLength);
        return value;
    }

    /**
     * Locates the next line: the bytes to remove (with the terminator) in the high 32 bits and
     * the line's length without terminator in the low 32 bits; -1 when no line is ready. An
     * over-long line is a piece of {@code maxLineLength} bytes with no terminator.
     */
    private long nextLine(int maxLineLength) {
        long newline = newlineIndex(maxLineLength);
        if (newline < 0) {
            return size < maxLineLength ? -1 : ((long) maxLineLength << 32) | maxLineLength;
        }
        long textLength = newline > 0 && byteAt(newline - 1) == '\r' ? newline - 1 : newline;
        return ((newline + 1) << 32) | textLength;
    }

    /** Removes {@code take} bytes that the head chunk holds. */
    private void advanceHead(Chunk first, int take) {
        first.start += take;
        if (first.start == first.end) {
            dropHead();
        }
        consumed(take);
    }

    private void dropHead() {
        head = head.next;
        if (head == null) {
            tail = null;
        }
    }

    private byte byteAt(long offset) {
        long position = 0;
        for (Chunk chunk = head; chunk != null; chunk = chunk.next) {
            int length = chunk.end - chunk.start;
            if (offset < position + length) {
                return chunk.data[chunk.start + (int) (offset - position)];
            }
            position += length;
        }
        throw new IndexOutOfBoundsException("offset " + offset + " of " + size);
    }

    /** Discards everything buffered. */
    public void clear() {
        head = tail = null;
        size = 0;
        knownNewline = -1;
        scannedWithoutNewline = 0;
    }

    private long newlineIndex() {
        return newlineIndex(Long.MAX_VALUE);
    }

    /** Finds the first line feed at an index up to {@code limit}, scanning only unseen bytes. */
    private long newlineIndex(long limit) {
        if (head == null) {
            return -1;
        }
        if (knownNewline >= 0) {
            return knownNewline <= limit ? knownNewline : -1;
        }
        long stopAt = limit >= size ? size : limit + 1;
        long position = 0;
        for (Chunk chunk = head; chunk != null; chunk = chunk.next) {
            if (position >= stopAt) {
                break;
            }
            long chunkEnd = position + (chunk.end - chunk.start);
            if (chunkEnd > scannedWithoutNewline) {
                long from = Math.max(position, scannedWithoutNewline);
                long to = Math.min(chunkEnd, stopAt);
                int offset = chunk.start - (int) position;
                int at = Newlines.indexOf(chunk.data, offset + (int) from, offset + (int) to);
                if (at >= 0) {
                    knownNewline = at - offset;
                    return knownNewline;
                }
                scannedWithoutNewline = Math.max(scannedWithoutNewline, to);
            }
            position = chunkEnd;
        }
        return -1;
    }

    private void copy(byte[] out, int length, boolean remove) {
        transfer(ByteBuffer.wrap(out), length, remove, null);
    }

    /**
     * Puts the first {@code length} buffered bytes into {@code target}, removing them or leaving
     * them in place; the arrays of chunks a removal empties go to {@code drained}, if given.
     */
    private void transfer(ByteBuffer target, int length, boolean remove, ChunkCache drained) {
        if (length == 0) {
            return;
        }
        int moved = 0;
        Chunk chunk = head;
        while (moved < length) {
            int take = Math.min(length - moved, chunk.end - chunk.start);
            target.put(chunk.data, chunk.start, take);
            moved += take;
            Chunk next = chunk.next;
            if (remove) {
                chunk.start += take;
                if (chunk.start == chunk.end) {
                    dropHead();
                    if (drained != null) {
                        drained.give(chunk.data);
                    }
                }
            }
            chunk = next;
        }
        if (remove) {
            consumed(length);
        }
    }

    private void consumed(int length) {
        size -= length;
        scannedWithoutNewline = Math.max(0, scannedWithoutNewline - length);
        knownNewline = knownNewline >= length ? knownNewline - length : -1;
        if (size == 0) {
            head = tail = null; // release the last chunk of an idle socket
        }
    }

    private static final class Chunk {
        final byte[] data;
        int start;
        int end;
        /** The next younger chunk, or {@code null}. */
        Chunk next;

        Chunk(byte[] data) {
            this.data = data;
        }

        int spare() {
            return data.length - end;
        }
    }
}
