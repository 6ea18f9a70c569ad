package ipsocket.impl.loop;

/**
 * A task scheduled on an {@link EventLoop}; cancel it from the loop thread.
 *
 * <p>A cancelled timer lets go of its task at once and is purged from the loop's queue once
 * cancelled timers are half of it: a connect timeout cancelled by a connection must not keep
 * memory for the whole timeout of every idle socket.
 */
public final class Timer implements Comparable<Timer> {
    private final long deadlineNanos;
    private final long sequence;
    private final EventLoop loop;
    private Runnable task;
    private boolean cancelled;

    Timer(EventLoop loop, long deadlineNanos, long sequence, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Stops the task from running if it has not run yet; call on the loop thread. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            task = null;
            loop.timerCancelled();
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    Runnable task() {
        return task;
    }

    @Override
    public int compareTo(Timer other) {
        int byDeadline = Long.compare(deadlineNanos - other.deadlineNanos, 0);
        return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
}
