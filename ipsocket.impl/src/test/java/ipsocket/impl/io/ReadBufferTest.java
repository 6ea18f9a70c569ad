package ipsocket.impl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The read buffer on its own: chunking, line scanning across chunks, and conservation of bytes. */
class ReadBufferTest {

    @Test
    void linesSplitAcrossManyChunksComeOutWholeWithTerminatorsStripped() {
        ReadBuffer buffer = new ReadBuffer();
        byte[] text = "first\r\nsecond\n\nthird".getBytes(StandardCharsets.US_ASCII);
        for (byte b : text) {
            buffer.append(ByteBuffer.wrap(new byte[] {b}));
        }
        assertTrue(buffer.canReadLine(100));
        assertEquals("first", line(buffer.readLine(100)));
        assertEquals("second", line(buffer.readLine(100)));
        assertEquals("", line(buffer.readLine(100)));
        assertFalse(buffer.canReadLine(100));
        assertNull(buffer.readLine(100));
        assertEquals("third", new String(buffer.readAll(), StandardCharsets.US_ASCII));
        assertEquals(0, buffer.size());
    }

    @Test
    void overLongLinesComeInPiecesOfTheLimitAndNothingIsLost() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.append(ByteBuffer.wrap("abcdefghij\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(buffer.canReadLine(4));
        assertEquals("abcd", line(buffer.readLine(4)));
        assertEquals("efgh", line(buffer.readLine(4)));
        assertEquals("ij", line(buffer.readLine(4)));
        assertEquals(0, buffer.size());
    }

    @Test
    void aLineOfExactlyTheLimitIsOneLine() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.append(ByteBuffer.wrap("abcd\nx".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("abcd", line(buffer.readLine(4)));
        assertFalse(buffer.canReadLine(4));
    }

    @Test
    void aReaderWithItsOwnBufferDrainsChunksWhoseArraysTheNextArrivalsOfTheirSizeReuse() {
        ReadBuffer buffer = new ReadBuffer();
        ChunkCache cache = new ChunkCache(8, 2);
        buffer.append(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), cache);
        buffer.append(ByteBuffer.wrap(new byte[] {9, 10, 11}), cache); // a small chunk, not the cache's size
        buffer.append(ByteBuffer.wrap(new byte[] {12}), cache);
        ByteBuffer target = ByteBuffer.allocate(5);
        assertEquals(5, buffer.read(target, cache));
        assertEquals(0, cache.kept(), "the first chunk is not drained yet");
        ByteBuffer rest = ByteBuffer.allocateDirect(100);
        assertEquals(7, buffer.read(rest, cache));
        assertEquals(1, cache.kept(), "the drained 8-byte array, not the small chunk");
        assertEquals(0, buffer.size());
        assertEquals(0, buffer.read(rest, cache));
        ByteBuffer all = ByteBuffer.allocate(12).put(target.flip()).put(rest.flip());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, all.array());

        byte[] kept = cache.take(8);
        cache.give(kept);
        buffer.append(ByteBuffer.wrap(new byte[] {21, 22, 23, 24, 25, 26, 27, 28}), cache);
        byte[] handed = buffer.read(8);
        assertSame(kept, handed, "the next arrival of that size went into the kept array, handed over whole");
        assertEquals(0, cache.kept());
        buffer.append(ByteBuffer.wrap(new byte[] {31, 32, 33, 34, 35, 36, 37, 38}), cache);
        assertNotSame(handed, buffer.read(8), "an array handed to a reader is never reused");
        assertArrayEquals(new byte[] {21, 22, 23, 24, 25, 26, 27, 28}, handed);
    }

    @Test
    void arrivalsSmallerThanAKeptArrayAreReadIntoItAndFillItOneAfterAnother() {
        ReadBuffer buffer = new ReadBuffer();
        ChunkCache cache = new ChunkCache(8, 2);
        byte[] kept = new byte[8];
        cache.give(kept);
        buffer.append(ByteBuffer.wrap(new byte[] {1, 2, 3}), cache);
        buffer.append(ByteBuffer.wrap(new byte[] {4, 5, 6, 7}), cache);
        assertEquals(0, cache.kept(), "the kept array took both arrivals");
        buffer.append(ByteBuffer.wrap(new byte[] {8, 9}), cache); // one more than its room: a new chunk
        ByteBuffer target = ByteBuffer.allocate(9);
        assertEquals(9, buffer.read(target, cache));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, target.array());
        assertEquals(1, cache.kept(), "drained, the array is kept again");
        assertSame(kept, cache.take(1));

        // a reader that takes whole arrays gets a copy of a kept array's bytes, never the array
        cache.give(kept);
        buffer.append(ByteBuffer.wrap(new byte[] {10, 11}), cache);
        byte[] read = buffer.read(8);
        assertArrayEquals(new byte[] {10, 11}, read);
        assertNotSame(kept, read);
    }

    @Test
    void readingIntoABufferKeepsLineScanningRight() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.append(ByteBuffer.wrap("ab\ncd\nef".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(buffer.canReadLine(100));
        assertEquals(3, buffer.read(ByteBuffer.allocate(3), null));
        assertEquals("cd", line(buffer.readLine(100)));
        assertFalse(buffer.canReadLine(100));
        assertEquals("ef", new String(buffer.readAll(), StandardCharsets.US_ASCII));
    }

    @Test
    void largeAndSmallArrivalsComeBackWholeAndInOrder() {
        ReadBuffer buffer = new ReadBuffer();
        byte[] big = new byte[ReadBuffer.SMALL_CHUNK * 2 + 3];
        new Random(7).nextBytes(big);
        buffer.append(ByteBuffer.wrap(new byte[] {1, 2}));
        buffer.append(ByteBuffer.wrap(big));
        buffer.append(ByteBuffer.wrap(new byte[] {3}));
        byte[] all = buffer.readAll();
        assertEquals(big.length + 3, all.length);
        assertArrayEquals(big, java.util.Arrays.copyOfRange(all, 2, 2 + big.length));
        assertEquals(3, all[all.length - 1]);
        buffer.append(ByteBuffer.wrap(big));
        assertArrayEquals(big, buffer.readAll(), "an exact chunk alone is handed over whole");
    }

    @Test
    void peekLeavesEverythingAndReadTakesTheFront() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.append(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        buffer.append(ByteBuffer.wrap(" world".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("hello world", new String(buffer.peekAll(), StandardCharsets.US_ASCII));
        assertEquals(11, buffer.size());
        assertEquals("hel", new String(buffer.read(3), StandardCharsets.US_ASCII));
        assertEquals("lo world", new String(buffer.readAll(), StandardCharsets.US_ASCII));
    }

    @Test
    void randomChunksAndRandomReadsConserveEveryByte() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        ReadBuffer buffer = new ReadBuffer();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        for (int round = 0; round < 2000; round++) {
            byte[] chunk = new byte[random.nextInt(ReadBuffer.SMALL_CHUNK * 3)];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = random.nextInt(20) == 0 ? (byte) '\n' : (byte) ('a' + random.nextInt(26));
            }
            buffer.append(ByteBuffer.wrap(chunk));
            written.writeBytes(chunk);
            switch (random.nextInt(3)) {
                case 0:
                    read.writeBytes(buffer.read(random.nextInt(10_000)));
                    break;
                case 1:
                    byte[] line = buffer.readLine(1 + random.nextInt(300));
                    if (line != null) {
                        // readLine strips the terminator: put it back to compare streams
                        int before = read.size();
                        read.writeBytes(line);
                        if (before + line.length < written.size()
                                && written.toByteArray()[before + line.length] == '\n') {
                            read.write('\n');
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        read.writeBytes(buffer.readAll());
        assertArrayEquals(written.toByteArray(), read.toByteArray(), "seed " + seed);
    }

    /**
     * Random appends (dense, sparse and no line feeds; small and large) and random reads against a
     * plain byte-list model: every line, its boundaries, {@code canReadLine} and what
     * {@code append} says about line feeds agree. Guards the remembered scan state.
     */
    @Test
    void agreesWithAByteListModel() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        ReadBuffer buffer = new ReadBuffer();
        java.util.ArrayList<Byte> model = new java.util.ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            String where = "seed " + seed + " round " + round;
            int op = random.nextInt(6);
            if (op <= 1 && model.size() > 64 * 1024) {
                op = 3; // keep the model small: its indexOf and contains scan it whole each round
            }
            if (op <= 1) {
                int length = random.nextInt(4) == 0 ? random.nextInt(ReadBuffer.SMALL_CHUNK * 2) : random.nextInt(40);
                int density = new int[] {0, 3, 50, 1000}[random.nextInt(4)];
                byte[] chunk = new byte[length];
                boolean hasNewline = false;
                for (int i = 0; i < length; i++) {
                    chunk[i] = density > 0 && random.nextInt(density) == 0 ? (byte) '\n'
                            : random.nextInt(30) == 0 ? (byte) '\r' : (byte) ('a' + random.nextInt(26));
                    hasNewline |= chunk[i] == '\n';
                    model.add(chunk[i]);
                }
                assertEquals(hasNewline, buffer.append(ByteBuffer.wrap(chunk)), where);
            } else if (op == 2) {
                int max = 1 + random.nextInt(200);
                assertEquals(model.size() >= max || model.contains((byte) '\n'), buffer.canReadLine(max), where);
            } else if (op == 3 || op == 4) {
                int max = 1 + random.nextInt(200);
                int newline = model.indexOf((byte) '\n');
                byte[] expected;
                if (newline >= 0 && newline <= max) {
                    int end = newline > 0 && model.get(newline - 1) == '\r' ? newline - 1 : newline;
                    expected = take(model, newline + 1, end);
                } else if (model.size() >= max) {
                    expected = take(model, max, max);
                } else {
                    expected = null;
                }
                if (op == 3) {
                    byte[] line = buffer.readLine(max);
                    assertArrayEquals(expected, line, where);
                } else {
                    String line = buffer.readLineText(max);
                    assertEquals(expected == null ? null : new String(expected, StandardCharsets.UTF_8), line, where);
                }
            } else {
                int max = random.nextInt(100);
                int length = Math.min(max, model.size());
                assertArrayEquals(take(model, length, length), buffer.read(max), where);
            }
            assertEquals(model.size(), buffer.size(), where);
        }
    }

    /** Removes {@code count} bytes from the model's front and returns the first {@code keep}. */
    private static byte[] take(java.util.List<Byte> model, int count, int keep) {
        byte[] out = new byte[keep];
        for (int i = 0; i < keep; i++) {
            out[i] = model.get(i);
        }
        model.subList(0, count).clear();
        return out;
    }

    @Test
    void textLinesMatchByteLinesAcrossChunksAndCrlf() {
        String[] pieces = {"alpha\r", "\nbe", "ta\n\r\n", "x".repeat(ReadBuffer.SMALL_CHUNK) + "\r\n", "grüße\n"};
        ReadBuffer text = new ReadBuffer();
        ReadBuffer bytes = new ReadBuffer();
        for (String piece : pieces) {
            text.append(ByteBuffer.wrap(piece.getBytes(StandardCharsets.UTF_8)));
            bytes.append(ByteBuffer.wrap(piece.getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(text.canReadLine(10_000));
            assertEquals(new String(bytes.readLine(10_000), StandardCharsets.UTF_8), text.readLineText(10_000));
        }
        assertNull(text.readLineText(10_000));
        assertEquals(0, text.size());
    }

    @Test
    void aLineReadLooksAheadForTheNextLineSoTheNextCheckNeedsNoScan() {
        ReadBuffer buffer = new ReadBuffer();
        buffer.append(ByteBuffer.wrap("one\ntwo\nthr".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(buffer.lineFeedKnown());
        assertEquals("one", buffer.readLineText(100));
        assertTrue(buffer.lineFeedKnown(), "the read found 'two' already");
        assertEquals("two", buffer.readLineText(100));
        assertFalse(buffer.lineFeedKnown(), "'thr' has no line feed yet");
        assertFalse(buffer.canReadLine(100));
        buffer.append(ByteBuffer.wrap("ee\n".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(buffer.lineFeedKnown());
        assertEquals("three", buffer.readLineText(100));
        assertFalse(buffer.lineFeedKnown());
        assertEquals(0, buffer.size());
    }

    /**
     * The request/response case (a poll loop, an echo): an arrival read whole costs the one
     * array the reader gets, not a shared chunk and a copy. Counted in bytes allocated by this
     * thread (not timed); before, each round allocated a 4 KiB chunk, a queue and the copy.
     */
    @Test
    void anArrivalReadWholeCostsOnlyTheArrayTheReaderGets() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads instanceof com.sun.management.ThreadMXBean,
                "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;
        ReadBuffer buffer = new ReadBuffer();
        ByteBuffer arrival = ByteBuffer.allocateDirect(64);
        int rounds = 20_000;
        long sum = 0;
        for (int i = 0; i < rounds; i++) { // warm-up: the same work before counting
            sum += roundTrip(buffer, arrival);
        }
        long threadId = Thread.currentThread().getId();
        long before = counter.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < rounds; i++) {
            sum += roundTrip(buffer, arrival);
        }
        long perRound = (counter.getThreadAllocatedBytes(threadId) - before) / rounds;
        assertEquals(2L * rounds * 64, sum);
        // The 64-byte array (80 B with its header) and the chunk that held it (about 32 B).
        assertTrue(perRound <= 160, "allocated " + perRound + " B per arrival read whole");
    }

    private static int roundTrip(ReadBuffer buffer, ByteBuffer arrival) {
        arrival.clear();
        buffer.append(arrival);
        return buffer.readAll().length;
    }

    private static String line(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
