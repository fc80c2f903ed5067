package dev.phi4j.pipeline.synth;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes each sample as a document: {@code qa} samples as the question followed by the solution, the others as their
 * response. The document's source is {@code synth/TEMPLATE}, its origin {@code sample:ID}, its lineage the sample and
 * the sample's own lineage (seed, calls), and its metadata the sample's parameters, so dedup can report duplicate
 * rates per template and the report can walk from a training document back to its seed.
 */
final class SynthDocumentsStage implements Stage {

    static final String EMPTY_TEXT = "empty_text";

    @Override
    public String name() {
        return "synth_documents";
    }

    @Override
    public Class<SyntheticSample> reads() {
        return SyntheticSample.class;
    }

    @Override
    public Class<Document> writes() {
        return Document.class;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        return in.map((MapFunction<Row, Row>) row -> document(SparkRecords.fromRow(row, SyntheticSample.class)),
                StageRows.encoder());
    }

    static Row document(SyntheticSample sample) {
        Map<String, String> metadata = new TreeMap<>();
        sample.metadata().forEach((key, value) -> {
            if (!key.startsWith("step.") && !key.equals("seed_text") && !key.startsWith("seed.test")) {
                metadata.put("synth." + key, value);
            }
        });
        metadata.put("synth.technique", sample.technique());
        SourceClass sourceClass = SourceClass.valueOf(sample.metadata().getOrDefault("output_class", "synthetic")
                .toUpperCase(Locale.ROOT));
        String text = text(sample).strip();
        List<String> lineage = new java.util.ArrayList<>();
        lineage.add(sample.id());
        lineage.addAll(sample.lineage());
        Document document = Document.of("synth/" + sample.technique(), sourceClass, "sample:" + sample.id(), text,
                metadata, lineage.stream().distinct().toList());
        return StageRows.row(document, text.isEmpty() ? EMPTY_TEXT : null);
    }

    private static String text(SyntheticSample sample) {
        if (!"qa".equals(sample.metadata().get("format"))) {
            return sample.response();
        }
        Message question = sample.prompt().stream().filter(m -> m.role() == Role.USER).reduce((a, b) -> b)
                .orElse(sample.prompt().get(sample.prompt().size() - 1));
        return "Question: " + question.content().strip() + "\n\nAnswer: " + sample.response().strip();
    }
}
