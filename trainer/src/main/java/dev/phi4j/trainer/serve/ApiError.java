package dev.phi4j.trainer.serve;

/**
 * A request the server refuses, answered as the OpenAI API answers:
 * {@code {"error": {"message", "type", "param", "code"}}} with a 4xx status (5xx only for the server's own trouble).
 */
final class ApiError extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";

    final int status;
    final String type;
    final String param;
    final String code;

    ApiError(int status, String type, String message, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static ApiError invalid(String message, String param) {
        return new ApiError(400, INVALID_REQUEST, message, param, null);
    }

    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, INVALID_REQUEST, message, param, code);
    }

    static ApiError invalidType(String param, String expected, String got) {
        return new ApiError(400, INVALID_REQUEST, "Invalid type for '" + param + "': expected " + expected
                + ", but got " + got + " instead.", param, "invalid_type");
    }

    static ApiError outOfRange(String param, String range, Object got) {
        return new ApiError(400, INVALID_REQUEST, "Invalid value for '" + param + "': " + got + " is not in " + range
                + ".", param, "invalid_value");
    }
}
