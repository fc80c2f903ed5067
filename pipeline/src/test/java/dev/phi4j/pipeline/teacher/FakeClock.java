package dev.phi4j.pipeline.teacher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A {@link TeacherClock} that never really sleeps: a sleep is recorded and moves the clock on by its length. */
final class FakeClock implements TeacherClock {

    private final Instant start;
    private final List<Duration> sleeps = new ArrayList<>();
    private long nanos;

    FakeClock(Instant start) {
        this.start = start;
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized Instant now() {
        return start.plusNanos(nanos);
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    synchronized void advance(Duration duration) {
        nanos += duration.toNanos();
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
