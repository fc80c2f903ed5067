package dev.phi4j.pipeline.ingest;

/** Why ingest quarantines a raw record; each is a drop reason in the manifest, with the location in the row. */
final class Reasons {
    static final String EMPTY_FILE = "empty_file";
    static final String FILE_TOO_LARGE = "file_too_large";
    static final String RECORD_TOO_LARGE = "record_too_large";
    static final String MALFORMED_JSON = "malformed_json";
    static final String MISSING_FIELD = "missing_field";
    static final String INVALID_UTF8 = "invalid_utf8";
    static final String TRUNCATED_GZIP = "truncated_gzip";
    static final String READ_ERROR = "read_error";
    static final String BINARY_FILE = "binary_file";
    static final String UNKNOWN_LANGUAGE = "unknown_language";
    static final String NOT_HTML = "not_html";
    static final String HTTP_STATUS = "http_status";
    static final String WARC_RECORD_TYPE = "warc_record_type";
    static final String MALFORMED_WARC = "malformed_warc";
    static final String NO_TEXT = "no_text";
    static final String CORRUPT_PARQUET = "corrupt_parquet";

    private Reasons() {}
}
