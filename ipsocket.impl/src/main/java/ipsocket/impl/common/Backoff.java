package ipsocket.impl.common;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect backoff with full jitter: each wait is drawn uniformly between the
 * lower bound and a ceiling that starts at the lower bound and doubles after every failed
 * attempt, up to the upper bound. Used on one loop thread only.
 */
public final class Backoff {
    private int failures;

    /**
     * Returns the next wait and counts the attempt as failed.
     *
     * @param minMillis the lower bound, at least 1
     * @param maxMillis the upper bound; below the lower bound it is taken as equal to it
     * @return the wait in milliseconds, within the bounds
     */
    public long nextDelay(long minMillis, long maxMillis) {
        long max = Math.max(minMillis, maxMillis);
        long ceiling = minMillis;
        for (int i = 0; i < failures && ceiling < max; i++) {
            ceiling = Math.min(max, ceiling * 2);
        }
        failures = Math.min(failures + 1, 62);
        return ceiling == minMillis ? minMillis
                : ThreadLocalRandom.current().nextLong(minMillis, ceiling + 1);
    }

    /** Starts over at the lower bound, after a connection that lasted. */
    public void reset() {
        failures = 0;
    }

    /**
     * Returns the number of attempts since the last reset.
     *
     * @return the failed attempt count
     */
    public int failures() {
        return failures;
    }
}
