package dev.phi4j.pipeline.clean;

import dev.phi4j.core.schema.Document;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.HashMap;
import java.util.Map;

/**
 * Normalises each document and judges it by its source class's rules. A kept document carries the normalised text
 * (a new id, the old one in its lineage, when the text changed); a dropped one is written as it came in, with the
 * first rule it broke as its reason.
 */
public final class CleanStage implements Stage {

    private final CleanConfig config;

    CleanStage(CleanConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "clean";
    }

    @Override
    public Class<Document> reads() {
        return Document.class;
    }

    @Override
    public Class<Document> writes() {
        return Document.class;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        boolean nfc = config.nfc();
        Map<String, QualityRules> rules = new HashMap<>(config.rules());
        QualityRules fallback = config.defaultRules();
        return StageRows.withReason(in).map((MapFunction<Row, Row>) row -> {
            if (StageRows.reason(row) != null) {
                return row;
            }
            QualityRules classRules = rules.getOrDefault(row.getString(StageRows.SOURCE_CLASS), fallback);
            String text = TextNormalizer.normalize(row.getString(StageRows.TEXT), nfc, classRules.collapseSpaces());
            String reason = TextQuality.firstViolation(text, classRules);
            return reason != null ? StageRows.drop(row, reason) : StageRows.rewrite(row, text, Map.of(), null);
        }, StageRows.encoder());
    }
}
