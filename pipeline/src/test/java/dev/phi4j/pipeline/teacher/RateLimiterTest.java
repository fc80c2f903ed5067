package dev.phi4j.pipeline.teacher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RateLimiterTest {

    @Test
    void callsAreSpacedByOneOverTheRate() throws InterruptedException {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        RateLimiter limiter = new RateLimiter(10, clock);

        for (int call = 0; call < 4; call++) {
            limiter.acquire();
        }

        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100)), clock.sleeps());
        assertEquals(Duration.ofMillis(300).toNanos(), clock.nanoTime());
    }

    @Test
    void idleTimeSavesNoBurst() throws InterruptedException {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        RateLimiter limiter = new RateLimiter(2, clock);
        limiter.acquire();

        clock.advance(Duration.ofSeconds(10));
        limiter.acquire();
        limiter.acquire();

        assertEquals(List.of(Duration.ofMillis(500)), clock.sleeps());
    }

    @Test
    void callerAfterTheIntervalDoesNotWait() throws InterruptedException {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        RateLimiter limiter = new RateLimiter(4, clock);
        limiter.acquire();

        clock.advance(Duration.ofMillis(100));
        limiter.acquire();

        assertEquals(List.of(Duration.ofMillis(150)), clock.sleeps());
    }

    @Test
    void zeroRateIsUnlimited() throws InterruptedException {
        FakeClock clock = new FakeClock(Instant.EPOCH);
        RateLimiter limiter = new RateLimiter(0, clock);

        for (int call = 0; call < 1000; call++) {
            limiter.acquire();
        }

        assertEquals(List.of(), clock.sleeps());
    }
}
