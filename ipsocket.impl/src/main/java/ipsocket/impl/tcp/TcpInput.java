package ipsocket.impl.tcp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import ipsocket.impl.io.ChunkCache;
import ipsocket.impl.io.ReadBuffer;
import ipsocket.impl.loop.EventLoop;

/**
 * The read side of a TCP socket: the bounded read buffer that the loop fills and callers'
 * threads read, line detection, and read backpressure (the loop stops reading while the buffer
 * is full and resumes once a reader makes room).
 *
 * <p>The buffer and the peer-closed flag are guarded by one lock (the input itself, and the
 * paused flag is a field updated through a {@link VarHandle}: no extra objects per socket, of
 * which a gateway holds thousands); everything else runs on the loop thread.
 */
final class TcpInput {
    private static final VarHandle READ_PAUSED;
    private static final VarHandle LINE_FEED_KNOWN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            READ_PAUSED = lookup.findVarHandle(TcpInput.class, "readPaused", boolean.class);
            LINE_FEED_KNOWN = lookup.findVarHandle(TcpInput.class, "lineFeedKnown", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReadBuffer readBuffer = new ReadBuffer();
    /** The loop stopped reading because the buffer was full; cleared by whoever resumes it. */
    private volatile boolean readPaused;
    /** Its socket's transport: turns reading back on, on the loop thread, and knows the socket. */
    private final TcpTransport transport;
    private boolean peerClosed;
    /**
     * The buffer's {@link ReadBuffer#lineFeedKnown()} as of its last change, published with
     * release/acquire so that {@link #canReadLine()} answers the common "yes" of a line
     * reader's loop without taking the lock (it takes it to be sure of a "no").
     */
    @SuppressWarnings("unused") // through LINE_FEED_KNOWN
    private boolean lineFeedKnown;

    TcpInput(TcpTransport transport) {
        this.transport = transport;
    }

    // ---- loop thread ------------------------------------------------------------------------

    /** Forgets what an earlier connection left unread; a new attempt starts. */
    void reset() {
        synchronized (this) {
            readBuffer.clear();
            peerClosed = false;
            publishLineFeed();
        }
        readPaused = false;
    }

    /**
     * Returns how many more bytes the buffer may take now.
     *
     * @return the room, 0 or less when full
     */
    long room() {
        synchronized (this) {
            return effectiveLimit() - readBuffer.size();
        }
    }

    /**
     * Appends an arrival.
     *
     * @param arrival the bytes, from position to limit; consumed
     * @return {@code true} if a line can be read now (an over-long line counts: readLine
     *         returns it in pieces)
     */
    boolean append(ByteBuffer arrival) {
        synchronized (this) {
            boolean lineReady = readBuffer.append(arrival, transport.socket().loop().chunkCache());
            publishLineFeed();
            return lineReady | readBuffer.size() >= transport.socket().getMaxLineLength();
        }
    }

    /** Records the peer's end of stream. */
    void markPeerClosed() {
        synchronized (this) {
            peerClosed = true;
        }
    }

    /**
     * Returns whether the peer's end of stream was seen.
     *
     * @return {@code true} after the peer's FIN
     */
    boolean peerClosed() {
        synchronized (this) {
            return peerClosed;
        }
    }

    /** Notes that the loop stopped reading because the buffer is full, then looks again. */
    void paused() {
        readPaused = true;
        // A reader may have made room between the loop's check and the flag: look again.
        resumeIfRoom();
    }

    /**
     * Returns whether reading is paused because the buffer is full.
     *
     * @return {@code true} while paused
     */
    boolean readPausedNow() {
        return readPaused;
    }

    /** Forgets a pause: reading is on again (closing, a new connection). */
    void clearPause() {
        readPaused = false;
    }

    /**
     * The read limit, raised to the maximum line length when set below it: with that many bytes
     * buffered {@code readLine()} always returns something, so a line reader never starves.
     */
    private long effectiveLimit() {
        return Math.max(transport.socket().getReadBufferLimit(), transport.socket().getMaxLineLength());
    }

    // ---- any thread -------------------------------------------------------------------------

    /** Resumes reading if it was paused and there is room now (after a read or a new limit). */
    void resumeIfRoom() {
        if (!readPaused) {
            return;
        }
        long space;
        synchronized (this) {
            space = effectiveLimit() - readBuffer.size();
        }
        if (space > 0 && READ_PAUSED.compareAndSet(this, true, false)) {
            EventLoop loop = transport.socket().loop();
            if (loop.inLoop()) {
                transport.resumeReading();
            } else {
                loop.execute(transport::resumeReading); // rare: only after the buffer was full
            }
        }
    }

    byte[] read(int maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize " + maxSize + " is negative");
        }
        byte[] bytes;
        synchronized (this) {
            bytes = readBuffer.read(maxSize);
            publishLineFeed();
        }
        resumeIfRoom();
        return bytes;
    }

    int read(ByteBuffer target) {
        EventLoop loop = transport.socket().loop();
        // drained chunks are kept for the next arrivals only by the loop's own thread (the cache is not shared)
        ChunkCache drained = loop.inLoop() ? loop.chunkCache() : null;
        int count;
        synchronized (this) {
            count = readBuffer.read(target, drained);
            publishLineFeed();
        }
        resumeIfRoom();
        return count;
    }

    byte[] readAll() {
        byte[] bytes;
        synchronized (this) {
            bytes = readBuffer.readAll();
            publishLineFeed();
        }
        resumeIfRoom();
        return bytes;
    }

    byte[] peekAll() {
        synchronized (this) {
            return readBuffer.peekAll();
        }
    }

    String readLine() {
        String line;
        synchronized (this) {
            line = readBuffer.readLineText(transport.socket().getMaxLineLength());
            publishLineFeed();
        }
        resumeIfRoom();
        return line == null ? "" : line;
    }

    boolean canReadLine() {
        if ((boolean) LINE_FEED_KNOWN.getAcquire(this)) {
            return true; // only a reader removes lines: a line this one has seen is still there
        }
        synchronized (this) {
            boolean ready = readBuffer.canReadLine(transport.socket().getMaxLineLength());
            publishLineFeed();
            return ready;
        }
    }

    /** Publishes whether a line feed is known to be buffered; call holding the lock. */
    private void publishLineFeed() {
        LINE_FEED_KNOWN.setRelease(this, readBuffer.lineFeedKnown());
    }

    long available() {
        synchronized (this) {
            return readBuffer.size();
        }
    }

    /**
     * Returns whether nothing is buffered and nothing more can come.
     *
     * @param disconnected whether the socket is Disconnected
     * @return {@code true} at the end of the stream
     */
    boolean atEnd(boolean disconnected) {
        synchronized (this) {
            return readBuffer.size() == 0 && (peerClosed || disconnected);
        }
    }
}
