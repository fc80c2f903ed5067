package dev.phi4j.core.config;

/**
 * A configuration problem found before any work starts. The message always begins with the
 * location (file:line:column, {@code --set …}, or a default) and names the full key path.
 */
public final class ConfigException extends RuntimeException {

    private final Location location;
    private final String key;

    public ConfigException(Location location, String key, String problem) {
        super(location + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
        this.location = location;
        this.key = key;
    }

    public Location location() {
        return location;
    }

    /** The dotted key path, e.g. {@code trainer.optimizer.lr}; empty for the document root. */
    public String key() {
        return key;
    }
}
