package ipsocket.impl.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The bytes a socket received and the user has not read yet, as a queue of chunks.
 *
 * <p>An arrival of at least {@link #SMALL_CHUNK} bytes becomes one exactly sized chunk, which
 * {@link #readAll()} hands over without copying when it is all that is buffered; small
 * arrivals share chunks of {@link #SMALL_CHUNK} bytes so that a trickle of single bytes stays
 * compact. Nothing is kept once the buffer is drained, so an idle socket holds no buffer
 * memory. Line scanning remembers how far it has looked, so each byte is scanned once.
 *
 * <p>Not thread-safe: the socket guards it with its read lock.
 */
public final class ReadBuffer {
    /** Size of the shared chunks for small arrivals. */
    static final int SMALL_CHUNK = 4096;
    private static final byte[] EMPTY = new byte[0];

    /** Created on first arrival, dropped when drained: an idle socket holds nothing. */
    private ArrayDeque<Chunk> chunks;
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
        int length = source.remaining();
        if (length == 0) {
            return false;
        }
        if (chunks == null) {
            chunks = new ArrayDeque<>(4);
        }
        Chunk tail = chunks.peekLast();
        if (tail == null || tail.spare() < length) {
            tail = new Chunk(new byte[Math.max(length, SMALL_CHUNK)], 0);
            chunks.addLast(tail);
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
        Chunk head = chunks.peekFirst();
        if (head.start == 0 && head.end == length && head.data.length == length) {
            chunks.pollFirst();
            consumed(length);
            return head.data; // whole exact chunk: hand it over, no copy
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
        return takeLine(maxLineLength, (data, offset, length) -> java.util.Arrays.copyOfRange(data, offset, offset + length));
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
                (data, offset, length) -> new String(data, offset, length, java.nio.charset.StandardCharsets.UTF_8));
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
        Chunk head = chunks.peekFirst();
        if (head.end - head.start >= take) {
            T value = decoder.decode(head.data, head.start, textLength);
            advanceHead(head, take);
            return value;
        }
        return decoder.decode(read(take), 0, textLength);
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
    private void advanceHead(Chunk head, int take) {
        head.start += take;
        if (head.start == head.end) {
            chunks.pollFirst();
        }
        consumed(take);
    }

    private byte byteAt(long offset) {
        long position = 0;
        for (Chunk chunk : chunks) {
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
        chunks = null;
        size = 0;
        knownNewline = -1;
        scannedWithoutNewline = 0;
    }

    private long newlineIndex() {
        return newlineIndex(Long.MAX_VALUE);
    }

    /** Finds the first line feed at an index up to {@code limit}, scanning only unseen bytes. */
    private long newlineIndex(long limit) {
        if (chunks == null) {
            return -1;
        }
        if (knownNewline >= 0) {
            return knownNewline <= limit ? knownNewline : -1;
        }
        long stopAt = limit >= size ? size : limit + 1;
        long position = 0;
        for (Chunk chunk : chunks) {
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
        if (length == 0) {
            return;
        }
        int copied = 0;
        var iterator = chunks.iterator();
        while (copied < length) {
            Chunk chunk = iterator.next();
            int take = Math.min(length - copied, chunk.end - chunk.start);
            System.arraycopy(chunk.data, chunk.start, out, copied, take);
            copied += take;
            if (remove) {
                chunk.start += take;
                if (chunk.start == chunk.end) {
                    iterator.remove();
                }
            }
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
            chunks = null; // release the last chunk and the deque of an idle socket
        }
    }

    private static final class Chunk {
        final byte[] data;
        int start;
        int end;

        Chunk(byte[] data, int end) {
            this.data = data;
            this.end = end;
        }

        int spare() {
            return data.length - end;
        }
    }
}
