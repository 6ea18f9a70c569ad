package ipsocket.impl.common;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;

/**
 * What the output side of every socket kind shares: one lock for the kind's queue and for the
 * channel that callers' threads may write to straight away while nothing is queued, and the
 * hand-off of the rest to the socket's loop, once however many callers ask: a flush of what is
 * queued, and the count and bytesWritten signal of bytes a caller sent straight to the channel
 * (signals are delivered on the loop thread only).
 *
 * <p>A kind adds its queue (a byte buffer for a stream, datagrams for UDP) and its rules for
 * accepting writes; it guards both with the output's own monitor ({@code synchronized (this)}),
 * which the loop's flush holds too.
 *
 * <p>Memory: a gateway holds thousands of idle sockets, so the hand-off needs no object of its
 * own: the output is its own lock and its own loop task, and its two flags are fields updated
 * through {@link VarHandle}s rather than atomic objects.
 *
 * @param <S> the socket type
 * @param <C> the channel type
 */
public abstract class ChannelOutput<S extends AbstractIpSocket, C extends SelectableChannel & NetworkChannel>
        implements Runnable {
    private static final VarHandle FLUSH_SCHEDULED;
    private static final VarHandle UNREPORTED_DIRECT_SENDS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FLUSH_SCHEDULED = lookup.findVarHandle(ChannelOutput.class, "flushScheduled", boolean.class);
            UNREPORTED_DIRECT_SENDS = lookup.findVarHandle(ChannelOutput.class, "unreportedDirectSends", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The socket whose output this is (limits, names for errors, counters). */
    protected final S socket;
    private final ChannelTransport<S, C> transport;
    @SuppressWarnings("unused") // through FLUSH_SCHEDULED
    private volatile boolean flushScheduled;
    /** Bytes sent straight from callers' threads and not yet counted and signalled. */
    @SuppressWarnings("unused") // through UNREPORTED_DIRECT_SENDS
    private volatile long unreportedDirectSends;
    /** The open channel while callers may write straight to it; {@code null} otherwise. */
    private C directChannel;

    /**
     * Creates the output side of a socket.
     *
     * @param transport the socket's transport, which sends what is queued
     */
    protected ChannelOutput(ChannelTransport<S, C> transport) {
        this.socket = transport.socket;
        this.transport = transport;
    }

    /**
     * Lets callers write straight to a channel, or stops that; call holding the output's monitor.
     *
     * @param channel the open channel, or {@code null}
     */
    protected final void setDirectChannel(C channel) {
        directChannel = channel;
    }

    /**
     * Returns the channel callers may write straight to; call holding the output's monitor.
     *
     * @return the channel, or {@code null} while writes must be queued
     */
    protected final C directChannel() {
        return directChannel;
    }

    /** Has the loop flush soon, once however many callers ask. */
    public final void scheduleFlush() {
        if (FLUSH_SCHEDULED.compareAndSet(this, false, true)) {
            socket.loop().execute(this);
        }
    }

    /**
     * Records bytes a caller's thread sent straight to the channel; the loop counts and signals
     * them soon, in one bytesWritten for all that arrive meanwhile.
     *
     * @param count the bytes sent
     */
    protected final void sentDirectly(long count) {
        if ((long) UNREPORTED_DIRECT_SENDS.getAndAdd(this, count) == 0) {
            socket.loop().execute(this);
        }
    }

    /**
     * The loop's turn, queued by {@link #scheduleFlush()} and {@link #sentDirectly(long)}:
     * signals what callers sent directly, then flushes if a flush was asked for. Runs on the
     * loop thread only; not for callers.
     */
    @Override
    public final void run() {
        long sent = (long) UNREPORTED_DIRECT_SENDS.getAndSet(this, 0L);
        if (sent > 0) {
            socket.reportSent(sent);
        }
        if (FLUSH_SCHEDULED.compareAndSet(this, true, false)) {
            transport.flushQueued();
        }
    }
}
