package dev.phi4j.core.schema;

/** A file's schema lacks a column a record needs, or stores it with another type. */
public class SchemaMismatchException extends RuntimeException {

    private final String file;
    private final String column;

    public SchemaMismatchException(String file, String column, String message) {
        super(file + ": " + message);
        this.file = file;
        this.column = column;
    }

    /** The file or dataset path that was read. */
    public String file() {
        return file;
    }

    /** The column's path in the record, e.g. {@code origin_uri}, {@code teacher.call_id} or {@code prompt[].role}. */
    public String column() {
        return column;
    }
}
