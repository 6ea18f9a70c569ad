package ipsocket.impl.common;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ipsocket.impl.loop.EventLoop;

/**
 * Hands the output work of callers' threads to the socket's loop, once however many callers
 * ask: a flush of what is queued, and the count and bytesWritten signal of bytes a caller sent
 * straight to the channel (signals are delivered on the loop thread only).
 */
public final class OutputHandoff {
    private final AbstractIpSocket socket;
    private final EventLoop loop;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask;
    /** Bytes sent straight from callers' threads and not yet counted and signalled. */
    private final AtomicLong unreportedDirectSends = new AtomicLong();
    private final Runnable reportTask = this::reportDirectSends;

    /**
     * Creates the handoff of a socket.
     *
     * @param socket the socket, whose counter and signal the direct sends go to
     * @param flush flushes what is queued, on the loop thread
     */
    public OutputHandoff(AbstractIpSocket socket, Runnable flush) {
        this.socket = socket;
        this.loop = socket.loop();
        this.flushTask = () -> {
            flushScheduled.set(false);
            flush.run();
        };
    }

    /** Has the loop flush soon. */
    public void requestFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    /**
     * Records bytes a caller's thread sent straight to the channel; the loop counts and signals
     * them soon, in one bytesWritten for all that arrive meanwhile.
     *
     * @param count the bytes sent
     */
    public void sentDirectly(long count) {
        if (unreportedDirectSends.getAndAdd(count) == 0) {
            loop.execute(reportTask);
        }
    }

    private void reportDirectSends() {
        long sent = unreportedDirectSends.getAndSet(0);
        if (sent > 0) {
            socket.reportSent(sent);
        }
    }
}
