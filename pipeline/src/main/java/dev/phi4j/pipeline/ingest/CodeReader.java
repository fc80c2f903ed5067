package dev.phi4j.pipeline.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** One document per source file, with its language and its path inside the tree as metadata. */
final class CodeReader implements RecordReader {

    /** Git's heuristic: a NUL byte in the first 8,000 bytes marks a binary file. */
    private static final int BINARY_PROBE_BYTES = 8000;

    private final CodeSource config;
    private final SourceRows rows;
    private final Map<String, String> languages;

    CodeReader(CodeSource config) {
        this.config = config;
        this.rows = new SourceRows(config.name(), config.sourceClass());
        Map<String, String> merged = new HashMap<>(Languages.BY_EXTENSION);
        config.languages().forEach((extension, language) ->
                merged.put(extension.startsWith(".") ? extension : "." + extension, language));
        this.languages = merged;
    }

    @Override
    public Iterator<Row> read(SourceFile file, Configuration conf) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("path", file.relativePath());
        String extension = Languages.extension(file.name());
        if (Languages.BINARY.contains(extension) && !languages.containsKey(extension)) {
            return FileAccess.single(rows.quarantined(file, file.uri(), Reasons.BINARY_FILE, "binary file type "
                    + extension, "", metadata));
        }
        Row rejected = FileAccess.precheck(file, rows, config.maxFileBytes());
        if (rejected != null) {
            return FileAccess.single(rejected);
        }
        return new RowIterator(file, rows) {
            private boolean done;

            @Override
            protected Row produce() throws IOException {
                if (done) {
                    return null;
                }
                done = true;
                byte[] bytes;
                try (InputStream in = FileAccess.open(file, conf, false)) {
                    bytes = FileAccess.readAtMost(in, config.maxRecordBytes());
                }
                if (bytes.length > config.maxRecordBytes()) {
                    return rows.quarantined(file, file.uri(), Reasons.RECORD_TOO_LARGE, "file longer than "
                            + "max_record_bytes " + config.maxRecordBytes(), "", metadata);
                }
                for (int i = 0; i < Math.min(bytes.length, BINARY_PROBE_BYTES); i++) {
                    if (bytes[i] == 0) {
                        return rows.quarantined(file, file.uri(), Reasons.BINARY_FILE, "NUL byte at offset " + i, "",
                                metadata);
                    }
                }
                Utf8.Decoded text = Utf8.decode(bytes);
                if (!text.valid()) {
                    return rows.quarantined(file, file.uri(), Reasons.INVALID_UTF8, "invalid UTF-8 at byte "
                            + text.invalidAt(), text.text(), metadata);
                }
                String language = Languages.BY_NAME.getOrDefault(file.name(), languages.get(extension));
                if (language == null) {
                    return rows.quarantined(file, file.uri(), Reasons.UNKNOWN_LANGUAGE, "no language for '"
                            + file.name() + "'; add its extension to languages", text.text(), metadata);
                }
                metadata.put("language", language);
                return rows.kept(file, file.uri(), text.text(), metadata);
            }

            @Override
            protected String position() {
                return "";
            }
        };
    }
}
