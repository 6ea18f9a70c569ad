package ipsocket.impl.loop;

/**
 * A task scheduled on an {@link EventLoop}; cancel it from the loop thread.
 */
public final class Timer implements Comparable<Timer> {
    private final long deadlineNanos;
    private final long sequence;
    private final Runnable task;
    private boolean cancelled;

    Timer(long deadlineNanos, long sequence, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Stops the task from running if it has not run yet; call on the loop thread. */
    public void cancel() {
        cancelled = true;
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
