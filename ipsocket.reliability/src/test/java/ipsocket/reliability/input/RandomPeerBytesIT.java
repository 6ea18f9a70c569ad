package ipsocket.reliability.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import ipsocket.api.IpSocket;
import ipsocket.api.SocketListener;
import ipsocket.api.SocketState;
import ipsocket.impl.tcp.TcpSocketImpl;
import ipsocket.impl.testing.SocketFixture;
import ipsocket.impl.testing.SocketProbe;
import ipsocket.impl.testing.TestData;
import ipsocket.impl.testing.TestServer;
import ipsocket.reliability.kit.UncaughtExceptions;

/**
 * Random bytes in random lengths from a TCP peer (issue 8, bad input): the peer sends about
 * 2 MiB made of random bytes, text lines with {@code \n} and {@code \r\n}, runs of {@code \r},
 * {@code \n} and {@code \0}, invalid UTF-8 (lone continuation bytes, overlong forms,
 * surrogates, truncated sequences) and lines longer than {@code maxLineLength}, in chunks of
 * random size, then half-closes. A reader takes it with a random mix of {@code readLine()},
 * {@code read(n)}, {@code readAll()} and {@code peekAll()}, from the test thread or from the
 * socket's own callbacks. Every byte must be conserved: what was read, with each line's
 * terminator put back, equals what was sent; every {@code peekAll()} shows exactly the next
 * bytes of the stream; each {@code readLine()} equals the UTF-8 decoding of the bytes it took;
 * and no exception escapes any thread.
 *
 * <p>The seed is printed; rerun one with {@code -Dipsocket.seed=N}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomPeerBytesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int TOTAL = 2 * TestData.MIB;
    private static final int MAX_LINE = 1024;
    /** Small, so that the socket's read backpressure is exercised too. */
    private static final int READ_LIMIT = 16 * 1024;

    /** Registered before the fixture, so it sees what escapes while the fixture releases the sockets. */
    @RegisterExtension
    @Order(1)
    final UncaughtExceptions uncaught = new UncaughtExceptions();

    @RegisterExtension
    @Order(2)
    final SocketFixture sockets = new SocketFixture();

    static long seed(String test) {
        long seed = Long.getLong("ipsocket.seed", System.nanoTime());
        System.out.println("SEED " + RandomPeerBytesIT.class.getSimpleName() + "." + test + " = " + seed
                + " (rerun with -Dipsocket.seed=" + seed + ")");
        return seed;
    }

    @Test
    void randomBytesReadFromAnotherThreadAreConserved() throws Exception {
        long seed = seed("fromAnotherThread");
        Random random = new Random(seed);
        byte[] sent = hostileBytes(random, TOTAL);
        Fixture fixture = connect(sent, random);
        Reader reader = new Reader(fixture.socket, sent, new Random(random.nextLong()));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!reader.done()) {
            if (fixture.socket.getBytesAvailable() == 0) {
                fixture.probe.await(() -> fixture.socket.getBytesAvailable() > 0 || reader.done(),
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())),
                        "more bytes; read " + reader.position() + " of " + sent.length + " (seed " + seed + ")");
            }
            reader.step();
        }
        finish(fixture, reader, seed, "fromAnotherThread");
    }

    @Test
    void randomBytesReadInCallbacksAreConserved() throws Exception {
        long seed = seed("inCallbacks");
        Random random = new Random(seed);
        byte[] sent = hostileBytes(random, TOTAL);
        TcpSocketImpl socket = newSocket();
        Reader reader = new Reader(socket, sent, new Random(random.nextLong()));
        CompletableFuture<Void> failure = new CompletableFuture<>();
        socket.addListener(new SocketListener() {
            @Override
            public void readyRead(IpSocket ignored) {
                try {
                    // a few operations per signal, the last one draining what is left
                    for (int i = 0; i < 16 && !reader.done() && socket.getBytesAvailable() > 0; i++) {
                        reader.step();
                    }
                    if (!reader.done()) {
                        reader.drainAvailable();
                    }
                } catch (Throwable t) {
                    failure.completeExceptionally(t);
                }
            }
        });
        Fixture fixture = connect(socket, sent, random);
        fixture.probe.await(() -> reader.done() || failure.isDone(), WAIT,
                "every byte read in callbacks; read " + reader.position() + " of " + sent.length + " (seed " + seed + ")");
        if (failure.isCompletedExceptionally()) {
            failure.get(); // rethrows the assertion that failed on the loop thread
        }
        finish(fixture, reader, seed, "inCallbacks");
    }

    private void finish(Fixture fixture, Reader reader, long seed, String test) throws Exception {
        fixture.sender.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertArrayEquals(reader.expected, reader.reconstructed(), "bytes read (lines with their terminators put"
                + " back) differ from the bytes sent; seed " + seed);
        assertEquals(reader.expected.length, reader.position());
        // The peer's half-close arrives once everything was read: the socket reports it and closes.
        fixture.probe.await(() -> fixture.socket.getState() == SocketState.DISCONNECTED, WAIT,
                "the socket to close after the peer's half-close");
        assertTrue(fixture.socket.atEnd(), "atEnd once drained and closed");
        assertEquals(0, fixture.socket.readAll().length);
        assertEquals(reader.expected.length, fixture.socket.getBytesReceived(), "bytesReceived");
        System.out.printf("FIGURES random-tcp %s seed=%d bytes=%d ops=%s lines=%d overLongPieces=%d"
                + " crlfLines=%d peeksChecked=%d%n", test, seed, reader.expected.length, reader.ops, reader.lines,
                reader.overLong, reader.crlf, reader.peeks);
        uncaught.assertNone();
    }

    // ---- fixture ------------------------------------------------------------------------

    private static final class Fixture {
        TcpSocketImpl socket;
        SocketProbe probe;
        CompletableFuture<Void> sender;
    }

    private TcpSocketImpl newSocket() {
        TcpSocketImpl socket = sockets.disposeAfterTest(new TcpSocketImpl(sockets.loops(), "random-input"));
        socket.setAutoConnect(false);
        socket.setMaxLineLength(MAX_LINE);
        socket.setReadBufferLimit(READ_LIMIT);
        return socket;
    }

    private Fixture connect(byte[] sent, Random random) {
        return connect(newSocket(), sent, random);
    }

    /** Connects to an idle loopback peer, which then sends {@code sent} in random chunks and half-closes. */
    private Fixture connect(TcpSocketImpl socket, byte[] sent, Random random) {
        TestServer server = sockets.startServer(TestServer.Mode.IDLE);
        Fixture fixture = new Fixture();
        fixture.socket = socket;
        fixture.probe = new SocketProbe();
        socket.addListener(fixture.probe);
        socket.connectToHost(server.host(), server.port());
        fixture.probe.awaitConnected(WAIT);
        TestServer.Connection peer = server.awaitConnection(WAIT);
        long chunkSeed = random.nextLong();
        fixture.sender = CompletableFuture.runAsync(() -> sendInRandomChunks(peer, sent, new Random(chunkSeed)));
        return fixture;
    }

    private static void sendInRandomChunks(TestServer.Connection peer, byte[] data, Random random) {
        try {
            peer.socket().setTcpNoDelay(true);
            OutputStream out = peer.socket().getOutputStream();
            int offset = 0;
            while (offset < data.length) {
                int size;
                switch (random.nextInt(4)) {
                    case 0: size = 1 + random.nextInt(3); break;
                    case 1: size = 1 + random.nextInt(200); break;
                    case 2: size = 1 + random.nextInt(8192); break;
                    default: size = 1 + random.nextInt(70_000); break;
                }
                size = Math.min(size, data.length - offset);
                out.write(data, offset, size);
                out.flush();
                offset += size;
            }
            peer.shutdownOutput();
        } catch (IOException e) {
            throw new AssertionError("the peer could not send", e);
        }
    }

    // ---- hostile data -------------------------------------------------------------------

    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xFE},
        {(byte) 0xC0, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},
    };
    private static final String[] VALID_TEXT = {"é", "€", "😀", "ü\r", "plain", "\t", " "};

    /**
     * Builds {@code size} bytes from random segments that each stress a part of the reader.
     *
     * @param random the source of randomness
     * @param size the number of bytes
     * @return the bytes
     */
    static byte[] hostileBytes(Random random, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
        while (out.size() < size) {
            switch (random.nextInt(9)) {
                case 0: { // random bytes, any value
                    byte[] noise = new byte[random.nextInt(4096)];
                    random.nextBytes(noise);
                    out.writeBytes(noise);
                    break;
                }
                case 1: // a text line, \n or \r\n
                    for (int i = random.nextInt(80); i > 0; i--) {
                        out.writeBytes(VALID_TEXT[random.nextInt(VALID_TEXT.length)].getBytes(StandardCharsets.UTF_8));
                    }
                    out.writeBytes(random.nextBoolean() ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
                    break;
                case 2: // a run of terminators and NULs
                    for (int i = random.nextInt(64); i > 0; i--) {
                        out.write(new byte[] {'\r', '\n', 0}[random.nextInt(3)]);
                    }
                    break;
                case 3: // invalid UTF-8
                    for (int i = random.nextInt(32); i > 0; i--) {
                        out.writeBytes(INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
                    }
                    break;
                case 4: { // longer than maxLineLength, no terminator (several pieces)
                    byte[] run = new byte[MAX_LINE + random.nextInt(3 * MAX_LINE)];
                    Arrays.fill(run, (byte) ('a' + random.nextInt(26)));
                    out.writeBytes(run);
                    break;
                }
                case 5: { // exactly at the limit, then \r\n or \n: the boundary cases of readLine
                    byte[] run = new byte[MAX_LINE - 1 + random.nextInt(3)];
                    Arrays.fill(run, (byte) 'b');
                    out.writeBytes(run);
                    out.writeBytes(random.nextBoolean() ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
                    break;
                }
                case 6: { // a multi-byte character cut by the line limit
                    byte[] run = new byte[MAX_LINE - 1];
                    Arrays.fill(run, (byte) 'c');
                    out.writeBytes(run);
                    out.writeBytes("€€\n".getBytes(StandardCharsets.UTF_8));
                    break;
                }
                case 7: // a lone \r at the end of a segment, \n in the next one
                    out.writeBytes(new byte[] {'x', '\r'});
                    break;
                default: { // random bytes biased to line feeds
                    for (int i = random.nextInt(512); i > 0; i--) {
                        out.write(random.nextInt(8) == 0 ? '\n' : random.nextInt(256));
                    }
                    break;
                }
            }
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    // ---- reader -------------------------------------------------------------------------

    /**
     * Reads with a random mix of operations and rebuilds the stream from what it got; thread
     * confined to whoever calls it (the test thread, or the loop thread in callbacks).
     */
    static final class Reader {
        final IpSocket socket;
        final byte[] expected;
        final Random random;
        final ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        final Map<String, Integer> ops = new TreeMap<>();
        volatile int done;
        int lines;
        int overLong;
        int crlf;
        int peeks;

        Reader(IpSocket socket, byte[] expected, Random random) {
            this.socket = socket;
            this.expected = expected;
            this.random = random;
        }

        boolean done() {
            return done >= expected.length;
        }

        int position() {
            return done;
        }

        synchronized byte[] reconstructed() {
            return rebuilt.toByteArray();
        }

        /** Performs one random operation. */
        synchronized void step() {
            switch (random.nextInt(10)) {
                case 0:
                case 1:
                case 2:
                case 3:
                case 4:
                    if (socket.canReadLine()) {
                        readOneLine();
                    } else {
                        count("readLine-skipped");
                    }
                    break;
                case 5:
                case 6:
                case 7: {
                    int max = new int[] {0, 1, 1 + random.nextInt(100), 1 + random.nextInt(70_000)}[random.nextInt(4)];
                    byte[] bytes = socket.read(max);
                    assertTrue(bytes.length <= max, "read(" + max + ") returned " + bytes.length + " bytes");
                    took(bytes);
                    count("read(n)");
                    break;
                }
                case 8:
                    took(socket.readAll());
                    count("readAll");
                    break;
                default:
                    checkPeek();
                    break;
            }
        }

        /** Reads everything buffered now, by lines where possible. */
        synchronized void drainAvailable() {
            while (socket.getBytesAvailable() > 0) {
                if (socket.canReadLine() && random.nextBoolean()) {
                    readOneLine();
                } else {
                    took(socket.readAll());
                    count("readAll");
                }
            }
        }

        private void checkPeek() {
            byte[] peek = socket.peekAll();
            assertTrue(done + peek.length <= expected.length, "peekAll shows more than was sent");
            if (!Arrays.equals(expected, done, done + peek.length, peek, 0, peek.length)) {
                fail("peekAll at offset " + done + " (" + peek.length + " bytes) does not show the next bytes sent");
            }
            peeks++;
            count("peekAll");
        }

        /**
         * Reads one line, predicting from {@code peekAll()} which bytes it takes: up to the first
         * {@code \n} at an index of at most maxLineLength (the terminator, {@code \n} or
         * {@code \r\n}, is not returned), or else the first maxLineLength bytes.
         */
        private void readOneLine() {
            int max = socket.getMaxLineLength();
            byte[] peek = socket.peekAll();
            int newline = -1;
            for (int i = 0; i < peek.length && i <= max; i++) {
                if (peek[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            byte[] content;
            byte[] terminator;
            if (newline >= 0) {
                int end = newline > 0 && peek[newline - 1] == '\r' ? newline - 1 : newline;
                content = Arrays.copyOf(peek, end);
                terminator = Arrays.copyOfRange(peek, end, newline + 1);
                if (terminator.length == 2) {
                    crlf++;
                }
            } else {
                assertTrue(peek.length >= max, "canReadLine() was true but " + peek.length
                        + " bytes without a line feed are buffered (maxLineLength " + max + ")");
                content = Arrays.copyOf(peek, max);
                terminator = new byte[0];
                overLong++;
            }
            String line = socket.readLine();
            assertEquals(new String(content, StandardCharsets.UTF_8), line,
                    "readLine() at offset " + done + " is not the UTF-8 decoding of the bytes it took");
            took(content);
            took(terminator);
            lines++;
            count("readLine");
        }

        private void took(byte[] bytes) {
            if (done + bytes.length > expected.length
                    || !Arrays.equals(expected, done, done + bytes.length, bytes, 0, bytes.length)) {
                fail("bytes read at offset " + done + " (" + bytes.length + ") differ from the bytes sent there");
            }
            rebuilt.writeBytes(bytes);
            done += bytes.length;
        }

        private void count(String op) {
            ops.merge(op, 1, Integer::sum);
        }
    }
}
