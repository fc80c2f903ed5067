package dev.phi4j.pipeline.stage;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.Revision;
import dev.phi4j.core.schema.Role;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.TeacherCall;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One record of the report's sample browser, as a stage lists it in the manifest section {@value #SECTION}: a seed,
 * a synthetic sample, a teacher call or a document, with the ids of the records it came from, so the browser walks
 * from a sample to its seed, the seed's document and the source file. The factories show each core record type the
 * same way whichever stage lists it; long texts are cut to {@value #TEXT_CHARS} characters so manifests stay small.
 */
public record LineageRecord(String id, String type, String title, String text, Map<String, String> fields,
                            List<String> parents) {

    public static final String SECTION = "lineage.records";
    public static final int TEXT_CHARS = 2000;

    public LineageRecord {
        fields = new LinkedHashMap<>(fields);
        fields.values().removeIf(value -> value == null || value.isEmpty());
        parents = List.copyOf(parents);
    }

    /**
     * The first {@code perOutcome} rows of each outcome of a stage's output (kept, then each drop reason), smallest
     * ids first, as the manifest's examples are chosen: the rows a stage lists, collected to the driver. One pass, each
     * partition keeping its own smallest ids, so no outcome's rows are gathered into one task.
     */
    public static List<Row> examples(Dataset<Row> output, int perOutcome) {
        if (perOutcome <= 0) {
            return List.of();
        }
        int idAt = output.schema().fieldIndex("id");
        int reasonAt = output.schema().fieldIndex(Stage.DROP_REASON);
        List<Row> candidates = output.mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
                smallest(rows, perOutcome, idAt, reasonAt).iterator(), Encoders.row(output.schema())).collectAsList();
        return smallest(candidates.iterator(), perOutcome, idAt, reasonAt);
    }

    private static List<Row> smallest(Iterator<Row> rows, int perOutcome, int idAt, int reasonAt) {
        Map<String, TreeMap<String, Row>> byOutcome = new TreeMap<>();
        while (rows.hasNext()) {
            Row row = rows.next();
            String outcome = row.isNullAt(reasonAt) ? "" : row.getString(reasonAt);
            TreeMap<String, Row> first = byOutcome.computeIfAbsent(outcome, o -> new TreeMap<>());
            first.put(row.getString(idAt), row);
            if (first.size() > perOutcome) {
                first.pollLastEntry();
            }
        }
        List<Row> chosen = new ArrayList<>();
        byOutcome.values().forEach(first -> chosen.addAll(first.values()));
        return chosen;
    }

    /** The drop reason of an output row, null when kept. */
    public static String dropReason(Row row) {
        int at = row.fieldIndex(Stage.DROP_REASON);
        return row.isNullAt(at) ? null : row.getString(at);
    }

    /** A document: its origin (the source file and the place in it) leads the browser on from a seed. */
    public static LineageRecord document(Document document) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("source", document.source());
        fields.put("source class", lower(document.sourceClass()));
        fields.put("origin", document.originUri());
        fields.put("characters", Integer.toString(document.text().length()));
        return new LineageRecord(document.id(), "document", document.source() + " · " + lower(document.sourceClass()),
                cut(document.text()), fields, document.lineage());
    }

    /** A seed, child of its document; {@code dropReason} when the listing stage dropped it. */
    public static LineageRecord seed(Seed seed, String dropReason) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("kind", lower(seed.kind()));
        fields.put("source class", lower(seed.sourceClass()));
        fields.put("tags", String.format(Locale.ROOT, "complexity %d/5 · factual obscurity %d/5 · reasoning steps %d",
                seed.tags().complexity(), seed.tags().factualObscurity(), seed.tags().reasoningSteps()));
        fields.put("educational value", String.format(Locale.ROOT, "%.3f", seed.educationalValue()));
        fields.put("span", seed.span().start() + "–" + seed.span().end() + " of " + seed.documentId());
        fields.put("drop reason", dropReason);
        List<String> parents = new ArrayList<>(List.of(seed.documentId()));
        parents.addAll(seed.lineage());
        return new LineageRecord(seed.id(), "seed", lower(seed.kind()) + " seed from " + lower(seed.sourceClass())
                + (dropReason == null ? "" : " · " + dropReason), cut(seed.text()), fields, distinct(parents));
    }

    /** A teacher call: a record of its own, without parents, that the samples it served point to. */
    public static LineageRecord teacherCall(TeacherCall call) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("teacher", call.teacher());
        fields.put("model", call.model());
        fields.put("step", call.step());
        fields.put("finish reason", call.finishReason());
        fields.put("tokens", String.format(Locale.ROOT, "%,d prompt + %,d completion", call.promptTokens(),
                call.completionTokens()));
        fields.put("cache key", call.cacheKey());
        return new LineageRecord(call.callId(), "teacher_call", call.teacher() + " · " + call.step(), null, fields,
                List.of());
    }

    /**
     * A synthetic sample: the response as its text; template, variables, the prompt's last user message, scores,
     * validation and drop reason; each self-revision round (score, critique, revised text) in order after the first
     * draft; the rest of its metadata but the copies of the seed. Parents: its lineage (seed, calls, earlier samples).
     */
    public static LineageRecord sample(SyntheticSample sample, String dropReason) {
        Map<String, String> metadata = sample.metadata();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("template", sample.technique());
        fields.put("drop reason", dropReason);
        fields.put("variables", metadata.entrySet().stream().filter(e -> e.getKey().startsWith("var."))
                .map(e -> e.getKey().substring(4) + " = " + e.getValue()).collect(Collectors.joining("; ")));
        sample.prompt().stream().filter(m -> m.role() == Role.USER).reduce((a, b) -> b).map(Message::content)
                .ifPresent(prompt -> fields.put("prompt (last user message)", cut(prompt)));
        fields.put("scores", new TreeMap<>(sample.scores()).entrySet().stream()
                .map(e -> e.getKey() + " " + number(e.getValue())).collect(Collectors.joining(", ")));
        fields.put("validation", lower(sample.validation().status()) + (sample.validation().detail().isEmpty() ? ""
                : ": " + cut(sample.validation().detail())));
        List<Revision> revisions = sample.revisions();
        if (!revisions.isEmpty()) {
            fields.put("first draft", cut(revisions.get(0).draft()));
        }
        for (Revision revision : revisions) {
            fields.put("revision " + revision.round(), "score " + number(revision.score()) + "\n\ncritique:\n"
                    + cut(revision.critique()) + "\n\nrevised:\n" + cut(revision.revised()));
        }
        metadata.forEach((key, value) -> {
            if (!key.startsWith("var.") && !key.startsWith("seed.") && !key.equals("seed_text")
                    && !key.equals("template")) {
                fields.putIfAbsent(key, cut(value));
            }
        });
        return new LineageRecord(sample.id(), "synthetic_sample", sample.technique()
                + (dropReason == null ? "" : " · " + dropReason), sample.response().isEmpty() ? null
                : cut(sample.response()), fields, sample.lineage());
    }

    /** Records listed once each, the first listing of an id kept, in listing order. */
    public static List<LineageRecord> distinctById(List<LineageRecord> records) {
        Map<String, LineageRecord> byId = new LinkedHashMap<>();
        records.forEach(record -> byId.putIfAbsent(record.id(), record));
        return List.copyOf(byId.values());
    }

    private static List<String> distinct(List<String> ids) {
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    /** {@code text} cut to {@value #TEXT_CHARS} characters, with an ellipsis when cut. */
    public static String cut(String text) {
        return StageRows.excerpt(text, TEXT_CHARS);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
