package ipsocket.impl.common;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect backoff with full jitter: each wait is drawn uniformly between the
 * lower bound and a ceiling that starts at the lower bound and doubles after every failed
 * attempt, up to the upper bound. A function of the failure count, which the socket keeps
 * (an int in its lifecycle rather than an object per socket).
 */
public final class Backoff {
    /** More failures than this do not grow the ceiling further (it would overflow long first). */
    public static final int MAX_DOUBLINGS = 62;

    private Backoff() {
    }

    /**
     * Returns the wait before the next attempt.
     *
     * @param failures the failed attempts since the last lasting connection, 0 for the first retry
     * @param minMillis the lower bound, at least 1
     * @param maxMillis the upper bound; below the lower bound it is taken as equal to it
     * @return the wait in milliseconds, within the bounds
     */
    public static long delay(int failures, long minMillis, long maxMillis) {
        long max = Math.max(minMillis, maxMillis);
        long ceiling = minMillis;
        for (int i = 0; i < failures && ceiling < max; i++) {
            ceiling = Math.min(max, ceiling * 2);
        }
        return ceiling == minMillis ? minMillis
                : ThreadLocalRandom.current().nextLong(minMillis, ceiling + 1);
    }
}
