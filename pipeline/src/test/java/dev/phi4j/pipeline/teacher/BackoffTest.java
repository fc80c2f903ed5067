package dev.phi4j.pipeline.teacher;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class BackoffTest {

    @Test
    void ceilingDoublesFromTheInitialDelayAndStopsAtTheCap() {
        Backoff backoff = new Backoff(0.5, 5, Backoff.Jitter.FULL);

        assertArrayEquals(new double[] {0.5, 1, 2, 4, 5, 5},
                new double[] {backoff.ceilingSeconds(0), backoff.ceilingSeconds(1), backoff.ceilingSeconds(2),
                        backoff.ceilingSeconds(3), backoff.ceilingSeconds(4), backoff.ceilingSeconds(60)});
    }

    @Test
    void fullJitterSpansZeroToTheCeilingAndEqualJitterItsUpperHalf() {
        Backoff full = new Backoff(1, 30, Backoff.Jitter.FULL);
        Backoff equal = new Backoff(1, 30, Backoff.Jitter.EQUAL);

        assertEquals(Duration.ZERO, full.delay(3, 0));
        assertEquals(Duration.ofSeconds(2), full.delay(3, 0.25));
        assertEquals(Duration.ofSeconds(4), equal.delay(3, 0));
        assertEquals(Duration.ofSeconds(6), equal.delay(3, 0.5));
        assertEquals(Duration.ofSeconds(15), equal.delay(100, 0));
    }

    @Test
    void retryAfterIsObeyedUpToTheCap() {
        Backoff backoff = new Backoff(1, 30, Backoff.Jitter.FULL);

        assertEquals(Duration.ofSeconds(12), backoff.retryAfter(Duration.ofSeconds(12)));
        assertEquals(Duration.ofSeconds(30), backoff.retryAfter(Duration.ofHours(1)));
    }
}
