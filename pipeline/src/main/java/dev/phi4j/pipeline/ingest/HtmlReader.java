package dev.phi4j.pipeline.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** One document per saved HTML page. */
final class HtmlReader implements RecordReader {

    private final HtmlSource config;
    private final SourceRows rows;

    HtmlReader(HtmlSource config) {
        this.config = config;
        this.rows = new SourceRows(config.name(), config.sourceClass());
    }

    @Override
    public Iterator<Row> read(SourceFile file, Configuration conf) {
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
                try (InputStream in = FileAccess.open(file, conf, true)) {
                    bytes = FileAccess.readAtMost(in, config.maxRecordBytes());
                }
                if (bytes.length > config.maxRecordBytes()) {
                    return rows.quarantined(file, file.uri(), Reasons.RECORD_TOO_LARGE, "page longer than "
                            + "max_record_bytes " + config.maxRecordBytes());
                }
                HtmlText.Extracted page = HtmlText.extract(bytes, null, file.uri(), config.removeBoilerplate());
                Map<String, String> metadata = new LinkedHashMap<>();
                metadata.put("file", file.relativePath());
                putIfPresent(metadata, "title", page.title());
                putIfPresent(metadata, "language", page.language());
                if (page.text().isBlank()) {
                    return rows.quarantined(file, file.uri(), Reasons.NO_TEXT, "no text left after extraction",
                            new String(bytes, StandardCharsets.UTF_8), metadata);
                }
                return rows.kept(file, file.uri(), page.text(), metadata);
            }

            @Override
            protected String position() {
                return "";
            }
        };
    }

    static void putIfPresent(Map<String, String> metadata, String key, String value) {
        if (value != null && !value.isBlank()) {
            metadata.put(key, value);
        }
    }
}
