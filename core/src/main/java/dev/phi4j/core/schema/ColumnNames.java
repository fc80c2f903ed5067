package dev.phi4j.core.schema;

import java.util.Locale;

/** Java component names to the snake_case column names that Spark SQL and Parquet tools expect. */
final class ColumnNames {

    private ColumnNames() {}

    /**
     * {@code sourceClass} → {@code source_class}; an acronym stays one word: {@code originURI} →
     * {@code origin_uri}, {@code URLPath} → {@code url_path}.
     */
    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char previous = name.charAt(i - 1);
                boolean nextIsLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                if (!Character.isUpperCase(previous) || nextIsLower) {
                    out.append('_');
                }
            }
            out.append(c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
