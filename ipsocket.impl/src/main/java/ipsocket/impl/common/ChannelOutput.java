package ipsocket.impl.common;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ipsocket.impl.loop.EventLoop;

/**
 * What the output side of every socket kind shares: one lock for the kind's queue and for the
 * channel that callers' threads may write to straight away while nothing is queued, and the
 * hand-off of the rest to the socket's loop, once however many callers ask: a flush of what is
 * queued, and the count and bytesWritten signal of bytes a caller sent straight to the channel
 * (signals are delivered on the loop thread only).
 *
 * <p>A kind adds its queue (a byte buffer for a stream, datagrams for UDP) and its rules for
 * accepting writes; it guards both with {@link #lock}.
 *
 * @param <S> the socket type
 * @param <C> the channel type
 */
public abstract class ChannelOutput<S extends AbstractIpSocket, C extends SelectableChannel> {
    /** Guards the kind's queue and the direct channel; the loop's flush holds it too. */
    protected final Object lock = new Object();
    /** The socket whose output this is (limits, names for errors, counters). */
    protected final S socket;
    private final EventLoop loop;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask;
    /** Bytes sent straight from callers' threads and not yet counted and signalled. */
    private final AtomicLong unreportedDirectSends = new AtomicLong();
    private final Runnable reportTask = this::reportDirectSends;
    /** The open channel while callers may write straight to it; {@code null} otherwise. */
    private C directChannel;

    /**
     * Creates the output side of a socket.
     *
     * @param socket the socket
     * @param flush sends what is queued, on the loop thread
     */
    protected ChannelOutput(S socket, Runnable flush) {
        this.socket = socket;
        this.loop = socket.loop();
        this.flushTask = () -> {
            flushScheduled.set(false);
            flush.run();
        };
    }

    /**
     * Lets callers write straight to a channel, or stops that; call holding {@link #lock}.
     *
     * @param channel the open channel, or {@code null}
     */
    protected final void setDirectChannel(C channel) {
        directChannel = channel;
    }

    /**
     * Returns the channel callers may write straight to; call holding {@link #lock}.
     *
     * @return the channel, or {@code null} while writes must be queued
     */
    protected final C directChannel() {
        return directChannel;
    }

    /** Has the loop flush soon, once however many callers ask. */
    public final void scheduleFlush() {
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
    protected final void sentDirectly(long count) {
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
