package dev.phi4j.pipeline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One document per JSON object line; blank lines are not records and are skipped. */
final class JsonlReader implements RecordReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> textFields;
    private final String separator;
    private final String idField;
    private final List<String> metadataFields;
    private final long maxFileBytes;
    private final int maxRecordBytes;
    private final SourceRows rows;

    /** Keeps the settings it needs (a config with Optionals does not serialise to executors). */
    JsonlReader(JsonlSource config) {
        this.textFields = config.textFields();
        this.separator = config.separator();
        this.idField = config.idField().orElse(null);
        this.metadataFields = config.metadataFields();
        this.maxFileBytes = config.maxFileBytes();
        this.maxRecordBytes = config.maxRecordBytes();
        this.rows = new SourceRows(config.name(), config.sourceClass());
    }

    @Override
    public Iterator<Row> read(SourceFile file, Configuration conf) {
        Row rejected = FileAccess.precheck(file, rows, maxFileBytes);
        if (rejected != null) {
            return FileAccess.single(rejected);
        }
        return new RowIterator(file, rows) {
            private LineReader lines;
            private boolean anyRecord;

            @Override
            protected Row produce() throws IOException {
                if (lines == null) {
                    InputStream in = FileAccess.open(file, conf, true);
                    opened(in);
                    lines = new LineReader(in, maxRecordBytes);
                }
                LineReader.Line line;
                while ((line = lines.next()) != null) {
                    String origin = file.uri() + "#line=" + line.number();
                    if (line.oversized()) {
                        anyRecord = true;
                        return rows.quarantined(file, origin, Reasons.RECORD_TOO_LARGE, "line of " + line.fullLength()
                                + " bytes, more than max_record_bytes " + maxRecordBytes);
                    }
                    Utf8.Decoded decoded = Utf8.decode(line.bytes(), line.length());
                    if (decoded.text().isBlank()) {
                        continue;
                    }
                    anyRecord = true;
                    if (!decoded.valid()) {
                        return rows.quarantined(file, origin, Reasons.INVALID_UTF8, "invalid UTF-8 at byte "
                                + decoded.invalidAt() + " of the line", decoded.text(), Map.of());
                    }
                    return parse(file, origin, decoded.text());
                }
                if (anyRecord) {
                    return null;
                }
                anyRecord = true;
                return rows.quarantined(file, file.uri(), Reasons.EMPTY_FILE, "the file holds no records (only blank lines)");
            }

            @Override
            protected String position() {
                return lines == null ? "" : "#line=" + (lines.lineNumber() + 1);
            }
        };
    }

    private Row parse(SourceFile file, String origin, String line) {
        JsonNode object;
        try {
            object = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return rows.quarantined(file, origin, Reasons.MALFORMED_JSON, e.getOriginalMessage()
                    + " at column " + e.getLocation().getColumnNr(), line, Map.of());
        }
        if (object == null || !object.isObject()) {
            return rows.quarantined(file, origin, Reasons.MALFORMED_JSON, "expected a JSON object, got "
                    + (object == null ? "nothing" : object.getNodeType().name().toLowerCase()), line, Map.of());
        }
        List<String> parts = new ArrayList<>();
        for (String field : textFields) {
            JsonNode value = field(object, field);
            if (value == null || !value.isTextual()) {
                return rows.quarantined(file, origin, Reasons.MISSING_FIELD, "no string field '" + field + "'"
                        + (value == null ? "" : " (it is " + value.getNodeType().name().toLowerCase() + ")"), line,
                        Map.of());
            }
            parts.add(value.asText());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if (idField != null) {
            JsonNode id = field(object, idField);
            if (id != null) {
                metadata.put("source_id", id.isTextual() ? id.asText() : id.toString());
            }
        }
        for (String field : metadataFields) {
            JsonNode value = field(object, field);
            if (value != null && !value.isNull()) {
                metadata.put(field, value.isTextual() ? value.asText() : value.toString());
            }
        }
        return rows.kept(file, origin, String.join(separator, parts), metadata);
    }

    /** A field by name, or by JSON pointer when it starts with a slash ({@code /meta/url}). */
    private static JsonNode field(JsonNode object, String field) {
        JsonNode value = field.startsWith("/") ? object.at(field) : object.get(field);
        return value == null || value.isMissingNode() ? null : value;
    }
}
