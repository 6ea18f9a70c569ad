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
    /** Cancelled, or taken to run: either way out of the loop's count of cancelled timers. */
    private boolean done;

    Timer(EventLoop loop, long deadlineNanos, long sequence, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Stops the task from running if it has not run yet; call on the loop thread. */
    public void cancel() {
        if (!done) {
            done = true;
            task = null;
            loop.timerCancelled();
        }
    }

    /**
     * Returns whether the timer was cancelled (or has already been taken to run).
     *
     * @return {@code true} if it must not run
     */
    boolean isCancelled() {
        return done;
    }

    /**
     * Takes the task to run it now, on the loop thread: a later {@link #cancel()} (a task that
     * cancels its own timer) does nothing and is not counted as a cancelled timer in the queue.
     *
     * @return the task
     */
    Runnable take() {
        Runnable due = task;
        task = null;
        done = true;
        return due;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public int compareTo(Timer other) {
        int byDeadline = Long.compare(deadlineNanos - other.deadlineNanos, 0);
        return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }
}
