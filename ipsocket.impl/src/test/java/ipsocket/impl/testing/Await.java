package ipsocket.impl.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Deadline-bounded waiting for conditions that no listener announces (threads ending, file
 * descriptors closing, a peer's progress stopping, a process's output), by parking briefly
 * between checks; the one wait helper of the unit and reliability tests (they never sleep).
 */
public final class Await {

    /** Deadline for things that normally take milliseconds. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** How long something that must not happen is watched for, after a positive control. */
    public static final Duration QUIET = Duration.ofMillis(300);

    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    /**
     * Waits until a condition holds; fails when the deadline passes.
     *
     * @param condition the condition
     * @param timeout the deadline
     * @param what what is waited for, for the failure message
     */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                fail("Timed out after " + timeout.toMillis() + " ms waiting for: " + what.get());
            }
            park();
        }
    }

    /**
     * Waits until a condition holds, or the deadline passes.
     *
     * @param condition the condition
     * @param timeout the deadline
     * @return whether the condition held before the deadline
     */
    public static boolean within(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            park();
        }
        return true;
    }

    /**
     * Waits until a progress counter has not moved for {@code quiet} (for example a peer whose
     * writes block because the other end stopped reading); fails when it still moves at the
     * deadline.
     *
     * @param progress the counter
     * @param quiet how long it must stand still
     * @param timeout the deadline
     * @param what what is waited for, for the failure message
     * @return the value it stopped at
     */
    public static long untilStalled(LongSupplier progress, Duration quiet, Duration timeout,
            String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = progress.getAsLong();
        long since = System.nanoTime();
        while (true) {
            park();
            long now = System.nanoTime();
            long current = progress.getAsLong();
            if (current != value) {
                value = current;
                since = now;
            } else if (now - since >= quiet.toNanos()) {
                return value;
            }
            if (now - deadline >= 0) {
                fail("Timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + " to stall; still moving at " + current);
            }
        }
    }

    /**
     * Parks the calling thread for at most the given time (it may return early); fails the
     * test when interrupted.
     *
     * @param nanos the longest park
     */
    public static void parkBriefly(long nanos) {
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
    public static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    private static void park() {
        parkBriefly(PARK_NANOS);
    }
}
