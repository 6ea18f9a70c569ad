package ipsocket.impl.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter stays within its bounds and starts over on reset. */
class BackoffTest {

    @Test
    void waitsStayBetweenTheBoundsAndTheCeilingDoubles() {
        Backoff backoff = new Backoff();
        assertEquals(100, backoff.nextDelay(100, 1000), "the first retry waits the minimum");
        for (int attempt = 1; attempt < 50; attempt++) {
            long ceiling = Math.min(1000, 100L << Math.min(attempt, 20));
            long delay = backoff.nextDelay(100, 1000);
            assertTrue(delay >= 100 && delay <= ceiling, "attempt " + attempt + ": " + delay);
        }
        backoff.reset();
        assertEquals(0, backoff.failures());
        assertEquals(100, backoff.nextDelay(100, 1000));
    }

    @Test
    void aMaximumBelowTheMinimumIsTheMinimum() {
        Backoff backoff = new Backoff();
        for (int attempt = 0; attempt < 10; attempt++) {
            assertEquals(500, backoff.nextDelay(500, 10));
        }
    }
}
