package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rows of one source: kept documents and quarantined records, the latter with {@code ingest.detail} metadata. */
record SourceRows(String source, SourceClass sourceClass) implements Serializable {

    /** Metadata key holding what went wrong with a quarantined record, e.g. the JSON parser's message. */
    static final String DETAIL = "ingest.detail";

    Row kept(SourceFile file, String originUri, String text, Map<String, String> metadata) {
        return StageRows.source(source, sourceClass, originUri, file.location(originUri), text, metadata, null);
    }

    Row quarantined(SourceFile file, String originUri, String reason, String detail, String rawText,
                    Map<String, String> metadata) {
        Map<String, String> withDetail = new LinkedHashMap<>(metadata);
        withDetail.put(DETAIL, detail);
        return StageRows.source(source, sourceClass, originUri, file.location(originUri), rawText, withDetail, reason);
    }

    Row quarantined(SourceFile file, String originUri, String reason, String detail) {
        return quarantined(file, originUri, reason, detail, "", Map.of());
    }
}
