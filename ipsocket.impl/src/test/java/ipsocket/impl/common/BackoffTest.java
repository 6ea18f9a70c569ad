package ipsocket.impl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter stays within its bounds and starts at the minimum. */
class BackoffTest {

    @Test
    void waitsStayBetweenTheBoundsAndTheCeilingDoubles() {
        assertEquals(100, Backoff.delay(0, 100, 1000), "the first retry waits the minimum");
        for (int failures = 1; failures <= Backoff.MAX_DOUBLINGS; failures++) {
            long ceiling = Math.min(1000, 100L << Math.min(failures, 20));
            long delay = Backoff.delay(failures, 100, 1000);
            assertTrue(delay >= 100 && delay <= ceiling, "after " + failures + " failures: " + delay);
        }
        assertTrue(Backoff.delay(Backoff.MAX_DOUBLINGS, 1, Long.MAX_VALUE / 2) >= 1, "no overflow at the cap");
    }

    @Test
    void aMaximumBelowTheMinimumIsTheMinimum() {
        for (int failures = 0; failures < 10; failures++) {
            assertEquals(500, Backoff.delay(failures, 500, 10));
        }
    }
}
