package dev.phi4j.pipeline.teacher;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The time a {@link TeacherClient} reads and waits on: a monotonic clock for rate limiting, the wall clock for
 * {@code Retry-After} dates, and sleeping for backoff. Tests pass a fake that advances when slept, so backoff and
 * rate limiting are checked by the delays asked for, not by wall-clock time.
 */
public interface TeacherClock {

    TeacherClock SYSTEM = new TeacherClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }
    };

    /** Monotonic nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();

    Instant now();

    void sleep(Duration duration) throws InterruptedException;
}
