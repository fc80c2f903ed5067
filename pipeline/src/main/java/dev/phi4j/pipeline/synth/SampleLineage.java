package dev.phi4j.pipeline.synth;

import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.LineageRecord;
import dev.phi4j.pipeline.stage.StageContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * {@code lineage.records} of the stages writing synthetic samples, from their finished output: the first
 * {@code stage_output.examples} samples of each outcome (kept and each drop reason, smallest ids first), each followed
 * by every teacher call it took and the records it was made from that the stage read — its seed, or the earlier
 * sample it derives from (plurality's question). A seed the stage did not read is listed as the sample's metadata
 * describes it (id, kind, text); the browser joins it to the seed the generating stage listed, if it did.
 */
final class SampleLineage {

    private SampleLineage() {}

    /** Reports the section; {@code input} is the stage's input, rows of {@code inputType} (seeds or samples). */
    static void report(Dataset<Row> output, Dataset<Row> input, Class<? extends Record> inputType,
                       StageContext context) {
        List<Row> rows = LineageRecord.examples(output, context.examples());
        Set<String> parentIds = new LinkedHashSet<>();
        List<SyntheticSample> samples = new ArrayList<>();
        for (Row row : rows) {
            SyntheticSample sample = SparkRecords.fromRow(row, SyntheticSample.class);
            samples.add(sample);
            parentIds.addAll(sample.lineage());
        }
        Map<String, LineageRecord> read = new LinkedHashMap<>();
        if (!parentIds.isEmpty()) {
            for (Row row : input.filter(col("id").isin(parentIds.toArray())).collectAsList()) {
                LineageRecord parent = inputType == Seed.class
                        ? LineageRecord.seed(SparkRecords.fromRow(row, Seed.class), null)
                        : LineageRecord.sample(SparkRecords.fromRow(row, SyntheticSample.class), null);
                read.put(parent.id(), parent);
            }
        }
        List<LineageRecord> records = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            SyntheticSample sample = samples.get(i);
            records.add(LineageRecord.sample(sample, LineageRecord.dropReason(rows.get(i))));
            sample.calls().forEach(call -> records.add(LineageRecord.teacherCall(call)));
            for (String parent : sample.lineage()) {
                if (read.containsKey(parent)) {
                    records.add(read.get(parent));
                }
            }
            String seedId = sample.metadata().get("seed_id");
            if (seedId != null && !read.containsKey(seedId)) {
                records.add(seedFromMetadata(seedId, sample.metadata()));
            }
        }
        context.report(LineageRecord.SECTION, LineageRecord.distinctById(records));
    }

    private static LineageRecord seedFromMetadata(String seedId, Map<String, String> metadata) {
        String kind = metadata.getOrDefault("seed_kind", "");
        String text = metadata.get("seed_text");
        return new LineageRecord(seedId, "seed", kind + " seed", text == null ? null : LineageRecord.cut(text),
                Map.of("kind", kind), List.of());
    }
}
