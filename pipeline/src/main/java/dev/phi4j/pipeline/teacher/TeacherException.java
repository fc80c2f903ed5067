package dev.phi4j.pipeline.teacher;

/**
 * A teacher call that failed for good (after retries). {@link #reason()} is the drop reason a stage records
 * ({@code teacher_timeout}, {@code teacher_http_500}, {@code teacher_rate_limited}, {@code teacher_invalid_json},
 * {@code teacher_unreachable}); {@link #raw()} is the last response body, kept with the dropped record.
 */
public final class TeacherException extends RuntimeException {

    private final String reason;
    private final String raw;
    private final int attempts;

    public TeacherException(String reason, String message, String raw, int attempts) {
        super(message);
        this.reason = reason;
        this.raw = raw == null ? "" : raw;
        this.attempts = attempts;
    }

    public String reason() {
        return reason;
    }

    public String raw() {
        return raw;
    }

    public int attempts() {
        return attempts;
    }
}
