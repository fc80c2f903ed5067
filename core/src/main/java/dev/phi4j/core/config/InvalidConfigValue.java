package dev.phi4j.core.config;

/**
 * Thrown by a config record's compact constructor when a rule across fields fails; {@code key} is the
 * YAML key (relative to that record) the error should point at, so the message gets its file and line.
 */
public final class InvalidConfigValue extends IllegalArgumentException {

    private final String key;

    public InvalidConfigValue(String key, String message) {
        super(message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
