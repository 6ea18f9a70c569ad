package ipsocket.reliability.fault;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Deadline-bounded waiting for conditions that no listener announces (a peer's progress, a
 * process's output), by parking briefly between checks. Nothing in the suite sleeps: every
 * pause goes through {@link #pause(Duration)}, which parks.
 */
final class Waits {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private Waits() {
    }

    /**
     * Waits until a condition holds; fails when the deadline passes.
     *
     * @param condition the condition
     * @param timeout the deadline
     * @param what what is waited for, for the failure message
     */
    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        if (!within(condition, timeout)) {
            fail("Timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
        }
    }

    /**
     * Waits until a condition holds, or the deadline passes.
     *
     * @param condition the condition
     * @param timeout the deadline
     * @return whether the condition held before the deadline
     */
    static boolean within(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            parkBriefly(POLL_NANOS);
        }
        return true;
    }

    /**
     * Lets time pass without sleeping: parks until the duration is over.
     *
     * @param duration how long
     */
    static void pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        long remaining;
        while ((remaining = deadline - System.nanoTime()) > 0) {
            parkBriefly(remaining);
        }
    }

    /**
     * Parks the calling thread for at most the given time (it may return early); fails the
     * test when interrupted.
     *
     * @param nanos the longest park
     */
    static void parkBriefly(long nanos) {
        LockSupport.parkNanos(nanos);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            fail("Interrupted while waiting");
        }
    }

    /**
     * Milliseconds between two {@link System#nanoTime()} readings.
     *
     * @param fromNanos the earlier reading
     * @param toNanos the later reading
     * @return the difference in milliseconds
     */
    static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
