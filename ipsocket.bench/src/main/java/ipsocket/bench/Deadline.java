package ipsocket.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A point in time after which a benchmark step gives up: every wait in the module is bounded. */
public final class Deadline {
    private final long endNanos;
    private final String what;

    private Deadline(long endNanos, String what) {
        this.endNanos = endNanos;
        this.what = what;
    }

    public static Deadline in(long millis, String what) {
        return new Deadline(System.nanoTime() + millis * 1_000_000L, what);
    }

    public long remainingMillis() {
        return Math.max(0, (endNanos - System.nanoTime()) / 1_000_000L);
    }

    /** Remaining time, at least 1 ms, for a wait call that would read 0 as "forever". */
    public long waitMillis() {
        return Math.max(1, remainingMillis());
    }

    public boolean expired() {
        return System.nanoTime() - endNanos >= 0;
    }

    public void check() throws TimeoutException {
        if (expired()) {
            throw timeout();
        }
    }

    public TimeoutException timeout() {
        return new TimeoutException(what + " did not finish in time");
    }

    public String what() {
        return what;
    }

    /**
     * Waits for a future until this deadline.
     *
     * @param <T> the future's value type
     * @param future the future
     * @return its value
     * @throws TimeoutException when the deadline passes first
     * @throws Exception what the future failed with (its cause, unwrapped)
     */
    public <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(waitMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw timeout();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }
}
