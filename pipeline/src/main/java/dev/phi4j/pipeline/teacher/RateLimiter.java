package dev.phi4j.pipeline.teacher;

import java.time.Duration;

/**
 * A token bucket holding one token, refilled at {@code permitsPerSecond}: calls to {@link #acquire()} are spaced at
 * least {@code 1 / permitsPerSecond} apart and never burst, so an endpoint's per-second limit holds over any window.
 * Slots go out in the order callers ask. A rate of 0 means unlimited.
 */
public final class RateLimiter {

    private final long intervalNanos;
    private final TeacherClock clock;
    private long nextFreeNanos;

    public RateLimiter(double permitsPerSecond, TeacherClock clock) {
        if (!(permitsPerSecond >= 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("requests per second must be finite and ≥ 0 (0: unlimited), got "
                    + permitsPerSecond);
        }
        this.intervalNanos = permitsPerSecond == 0 ? 0 : Math.max(1, Math.round(1e9 / permitsPerSecond));
        this.clock = clock;
        this.nextFreeNanos = clock.nanoTime();
    }

    /** Waits for this caller's slot: the slot is reserved under the lock, the waiting happens outside it. */
    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = clock.nanoTime();
            long slot = nextFreeNanos - now > 0 ? nextFreeNanos : now;
            nextFreeNanos = slot + intervalNanos;
            waitNanos = slot - now;
        }
        if (waitNanos > 0) {
            clock.sleep(Duration.ofNanos(waitNanos));
        }
    }
}
