package dev.phi4j.core.config;

/**
 * Where a configuration value came from: a file and line, a {@code --set} override, or a default.
 * Printed in front of every config error and by {@code phi4j config show --origins}.
 */
public record Location(String source, int line, int column) {

    public static Location file(String file, int line, int column) {
        return new Location(file, line, column);
    }

    public static Location override(String assignment) {
        return new Location("--set " + assignment, 0, 0);
    }

    public static Location defaultValue(Class<?> record) {
        return new Location("default of " + record.getSimpleName(), 0, 0);
    }

    public static Location preset(String name) {
        return new Location("preset " + name, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column : source;
    }
}
