package dev.phi4j.pipeline.teacher;

import java.time.Duration;

/**
 * Exponential backoff with jitter: before retry {@code k} (0 for the first) the ceiling is
 * {@code min(maxSeconds, initialSeconds · 2^k)} and the delay a random point below it, so clients that failed together
 * do not retry together.
 */
public record Backoff(double initialSeconds, double maxSeconds, Jitter jitter) {

    /** How much of the ceiling is randomised (the two schemes of the AWS "Exponential Backoff and Jitter" note). */
    public enum Jitter {
        /** Uniform in [0, ceiling]: spreads retries most, may retry at once. */
        FULL,
        /** Uniform in [ceiling / 2, ceiling]: always waits at least half the ceiling. */
        EQUAL
    }

    public Backoff {
        if (!(initialSeconds >= 0 && maxSeconds >= 0)) {
            throw new IllegalArgumentException("backoff seconds must be ≥ 0, got initial " + initialSeconds
                    + ", max " + maxSeconds);
        }
    }

    public static Backoff of(TeacherConfig config, Jitter jitter) {
        return new Backoff(config.initialBackoffSeconds(), config.maxBackoffSeconds(), jitter);
    }

    public double ceilingSeconds(int retry) {
        return Math.min(maxSeconds, initialSeconds * Math.pow(2, retry));
    }

    /** The delay before retry {@code retry}, {@code uniform} a random draw in [0, 1). */
    public Duration delay(int retry, double uniform) {
        double ceiling = ceilingSeconds(retry);
        double seconds = switch (jitter) {
            case FULL -> ceiling * uniform;
            case EQUAL -> ceiling / 2 + ceiling / 2 * uniform;
        };
        return seconds(seconds);
    }

    /** A server's {@code Retry-After}, obeyed but capped at {@link #maxSeconds()} so one header cannot stall a job. */
    public Duration retryAfter(Duration requested) {
        return requested.compareTo(seconds(maxSeconds)) > 0 ? seconds(maxSeconds) : requested;
    }

    static Duration seconds(double seconds) {
        return Duration.ofNanos((long) Math.min(Long.MAX_VALUE, Math.max(0, seconds) * 1e9));
    }
}
