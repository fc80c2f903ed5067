package dev.phi4j.pipeline.teacher;

/**
 * A teacher call that failed for good (after retries). {@link #reason()} is the drop reason a stage records
 * ({@code teacher_timeout}, {@code teacher_http_500}, {@code teacher_rate_limited}, {@code teacher_invalid_json},
 * {@code teacher_unreachable}); {@link #raw()} is the last response body, kept with the dropped record.
 */
public final class TeacherException extends RuntimeException {

    public static final String TIMEOUT = "teacher_timeout";
    public static final String RATE_LIMITED = "teacher_rate_limited";
    public static final String INVALID_JSON = "teacher_invalid_json";
    public static final String UNREACHABLE = "teacher_unreachable";

    private final String reason;
    private final String raw;
    private final int attempts;

    public TeacherException(String reason, String message, String raw, int attempts) {
        super(message);
        this.reason = reason;
        this.raw = raw == null ? "" : raw;
        this.attempts = attempts;
    }

    /** {@code teacher_http_<status>}, the reason for an HTTP error other than 429. */
    public static String http(int status) {
        return "teacher_http_" + status;
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
