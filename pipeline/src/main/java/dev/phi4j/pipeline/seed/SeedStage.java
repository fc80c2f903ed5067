package dev.phi4j.pipeline.seed;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.IdKind;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.LineageRecord;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Documents → seeds: each document's excerpts ({@link Excerpts}), scored ({@link SeedScorer}), the best
 * {@code max_seeds_per_document} at or above {@code min_educational_value} kept. Every excerpt not kept is written
 * dropped with its reason ({@code low_educational_value}, {@code over_document_limit}), and a document with no
 * excerpt at all becomes one dropped row ({@code no_excerpt}), so each input document is accounted for.
 */
final class SeedStage implements Stage {

    static final String LOW_VALUE = "low_educational_value";
    static final String OVER_LIMIT = "over_document_limit";
    static final String NO_EXCERPT = "no_excerpt";

    private final SeedConfig config;
    /** The documents read: summarize lists those of the seeds it lists. */
    private Dataset<Row> documents;

    SeedStage(SeedConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "seed";
    }

    @Override
    public Kind kind() {
        return Kind.EXPAND;
    }

    @Override
    public String parentColumn() {
        return "document_id";
    }

    @Override
    public Class<Document> reads() {
        return Document.class;
    }

    @Override
    public Class<Seed> writes() {
        return Seed.class;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        documents = in;
        Excerpts excerpts = new Excerpts(config.minChars(), config.maxChars());
        SeedScorer scorer = new SeedScorer(config.reasoningMarkers(), config.boilerplateMarkers());
        int maxSeeds = config.maxSeedsPerDocument();
        double minValue = config.minEducationalValue();
        return in.flatMap((FlatMapFunction<Row, Row>) row -> seeds(SparkRecords.fromRow(row, Document.class),
                excerpts, scorer, maxSeeds, minValue).iterator(), Encoders.row(StageRows.schema(Seed.class)));
    }

    /** The seed rows of one document, best first, each with its drop reason column. */
    static List<Row> seeds(Document document, Excerpts excerpts, SeedScorer scorer, int maxSeeds, double minValue) {
        Map<String, String> metadata = document.metadata();
        boolean hasTests = metadata.containsKey(Excerpts.TEST_KEY);
        List<Seed> candidates = new ArrayList<>();
        for (Excerpt excerpt : excerpts.of(document.text(), document.sourceClass(), hasTests)) {
            String text = document.text().substring(excerpt.start(), excerpt.end());
            SeedScorer.Score score = scorer.score(text, excerpt.kind(), hasTests);
            candidates.add(Seed.of(document, excerpt.start(), excerpt.end(), excerpt.kind(), score.tags(),
                    score.educationalValue(), metadata));
        }
        if (candidates.isEmpty()) {
            return List.of(noExcerpt(document));
        }
        candidates.sort(Comparator.comparingDouble(Seed::educationalValue).reversed().thenComparing(Seed::id));
        List<Row> rows = new ArrayList<>(candidates.size());
        int kept = 0;
        for (Seed seed : candidates) {
            String reason = null;
            if (seed.educationalValue() < minValue) {
                reason = LOW_VALUE;
            } else if (kept == maxSeeds) {
                reason = OVER_LIMIT;
            } else {
                kept++;
            }
            rows.add(StageRows.row(seed, reason));
        }
        return rows;
    }

    /**
     * {@code lineage.records}: the first seeds of each outcome (kept and each drop reason, smallest ids first), each
     * followed by its document, whose origin leads the report's browser on to the source file.
     */
    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        List<Row> rows = LineageRecord.examples(output, context.examples());
        List<Seed> seeds = rows.stream().map(row -> SparkRecords.fromRow(row, Seed.class)).toList();
        Map<String, LineageRecord> byDocument = new HashMap<>();
        if (!seeds.isEmpty()) {
            Object[] ids = seeds.stream().map(Seed::documentId).distinct().toArray();
            for (Row row : documents.filter(col("id").isin(ids)).collectAsList()) {
                Document document = SparkRecords.fromRow(row, Document.class);
                byDocument.put(document.id(), LineageRecord.document(document));
            }
        }
        List<LineageRecord> records = new ArrayList<>();
        for (int i = 0; i < seeds.size(); i++) {
            Seed seed = seeds.get(i);
            records.add(LineageRecord.seed(seed, LineageRecord.dropReason(rows.get(i))));
            if (byDocument.containsKey(seed.documentId())) {
                records.add(byDocument.get(seed.documentId()));
            }
        }
        context.report(LineageRecord.SECTION, LineageRecord.distinctById(records));
    }

    /** A dropped row standing for a document that yielded no excerpt: its opening as text, so the report can show it. */
    private static Row noExcerpt(Document document) {
        String text = document.text().isEmpty() ? " " : StageRows.excerpt(document.text(), 300);
        int end = Math.min(text.length(), document.text().length());
        String id = RecordIds.of(IdKind.SEED, document.id(), "0", Integer.toString(end));
        Seed seed = new Seed(id, document.id(), text, new dev.phi4j.core.schema.TextSpan(0, text.length()),
                document.sourceClass(), SeedKind.PASSAGE, new SeedTags(1, 1, 0), 0, document.metadata(),
                List.of(document.id()));
        return StageRows.row(seed, NO_EXCERPT);
    }
}
