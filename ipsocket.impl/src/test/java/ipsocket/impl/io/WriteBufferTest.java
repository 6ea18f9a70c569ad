package ipsocket.impl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The write buffer against a real OS pipe (non-blocking, so the pipe fills up and writes are
 * partial): every byte comes out once and in order, whatever mix of small and bulk appends from
 * arrays, heap and direct buffers; clear() empties it and it stays usable.
 */
class WriteBufferTest {
    private static final int BULK = 64 * 1024;

    private static void drain(Pipe.SourceChannel source, ByteArrayOutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = source.read(buffer)) > 0) {
            out.write(buffer.array(), 0, n);
            buffer.clear();
        }
    }

    @Test
    void everyByteComesOutOnceAndInOrderThroughAFillingPipe() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            sink.configureBlocking(false);
            source.configureBlocking(false);
            WriteBuffer buffer = new WriteBuffer();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (int round = 0; round < 400; round++) {
                int length = random.nextBoolean() ? random.nextInt(WriteBuffer.SMALL_CHUNK)
                        : random.nextInt(3 * BULK);
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                expected.writeBytes(bytes);
                switch (random.nextInt(3)) {
                    case 0:
                        buffer.append(bytes, 0, length);
                        break;
                    case 1:
                        ByteBuffer heap = ByteBuffer.wrap(bytes);
                        buffer.append(heap, length);
                        assertEquals(length, heap.position());
                        break;
                    default:
                        ByteBuffer direct = ByteBuffer.allocateDirect(length + 3).put(bytes).flip();
                        buffer.append(direct, length);
                        assertEquals(length, direct.position());
                        break;
                }
                long before = buffer.size();
                long written = buffer.writeTo(sink);
                assertNull(buffer.takeFailure(), "seed " + seed);
                assertEquals(before - written, buffer.size(), "seed " + seed);
                if (random.nextInt(3) == 0) {
                    drain(source, received);
                }
            }
            while (!buffer.isEmpty()) {
                buffer.writeTo(sink);
                drain(source, received);
            }
            drain(source, received);
            assertArrayEquals(expected.toByteArray(), received.toByteArray(), "seed " + seed);
        }
    }

    @Test
    void clearEmptiesTheBufferAndItStaysUsable() throws IOException {
        WriteBuffer buffer = new WriteBuffer();
        buffer.append(new byte[5 * BULK + 7], 0, 5 * BULK + 7);
        assertEquals(5L * BULK + 7, buffer.size());
        buffer.clear();
        assertTrue(buffer.isEmpty());

        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            sink.configureBlocking(false);
            source.configureBlocking(false);
            buffer.append("after clear".getBytes(), 0, 11);
            assertEquals(11, buffer.writeTo(sink));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            drain(source, received);
            assertEquals("after clear", received.toString());
        }
    }
}
