package dev.phi4j.pipeline.seed;

import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.IdKind;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.core.schema.TextSpan;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.LineageRecord;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import dev.phi4j.pipeline.teacher.TeacherPanel;
import dev.phi4j.pipeline.teacher.UsageAccumulator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Documents → seeds: each document's excerpts ({@link Excerpts}), graded by the heuristics ({@link SeedScorer}) or by
 * a teacher ({@link TeacherGrading}), the best {@code max_seeds_per_document} at or above {@code min_educational_value}
 * kept. Every excerpt not kept is written dropped with its reason ({@code low_educational_value},
 * {@code over_document_limit}, or for a teacher's grade that failed {@code score_unparsed}, {@code truncated},
 * {@code teacher_*}), and a document with no excerpt at all becomes one dropped row ({@code no_excerpt}), so each
 * input document is accounted for. Every seed's metadata names its grader in {@code seed.scorer}.
 */
final class SeedStage implements Stage {

    static final String LOW_VALUE = "low_educational_value";
    static final String OVER_LIMIT = "over_document_limit";
    static final String NO_EXCERPT = "no_excerpt";
    static final String SCORE_UNPARSED = "score_unparsed";
    static final String TRUNCATED = "truncated";

    /** Metadata: {@code heuristic}, or the name of the teacher that graded the seed. */
    static final String SCORER = "seed.scorer";
    static final String HEURISTIC = "heuristic";
    /** Metadata of a teacher-graded seed: the heuristic educational value, to compare the two scorers. */
    static final String HEURISTIC_VALUE = "seed.heuristic_value";
    /** Metadata: the teacher's reply when it could not be used as given (unreadable, truncated, clamped, an error). */
    static final String GRADE_RAW = "seed.grade_raw";
    /** Metadata: which of the teacher's numbers were out of range, and what they became. */
    static final String GRADE_CLAMPED = "seed.grade_clamped";

    /** Tags of an excerpt without a grade: the scales' lowest, with educational value 0. */
    private static final SeedTags UNGRADED = new SeedTags(1, 1, 0);
    /**
     * Documents graded together: enough excerpts to keep a teacher's max_concurrency requests in flight, few enough
     * that a partition is never held in memory whole.
     */
    private static final int DOCUMENTS_PER_BATCH = 64;

    /** A candidate seed: an excerpt of a document, its text and its heuristic score, which either grader starts from. */
    record Candidate(Document document, Excerpt excerpt, String text, SeedScorer.Score heuristic) {}

    /** Grades candidates, in order: by the heuristics, or by asking a teacher about each. */
    @FunctionalInterface
    interface Grader {
        List<Grade> grade(List<Candidate> candidates);
    }

    private final SeedConfig config;
    private long appliedAt;
    private UsageAccumulator usage;
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
        appliedAt = System.nanoTime();
        documents = in;
        Excerpts excerpts = new Excerpts(config.minChars(), config.maxChars());
        SeedScorer scorer = new SeedScorer(config.reasoningMarkers(), config.boilerplateMarkers());
        int maxSeeds = config.maxSeedsPerDocument();
        double minValue = config.minEducationalValue();
        TeacherGrading teacher = config.scorer() == SeedConfig.Scorer.TEACHER
                ? new TeacherGrading(config.teacher().orElseThrow(), context) : null;
        UsageAccumulator counted = usage = teacher == null ? null : UsageAccumulator.register(context);
        return in.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            Grader grader = teacher == null ? SeedStage::heuristic : teacher.open(counted);
            return TeacherPanel.inBatches(rows, DOCUMENTS_PER_BATCH, batch -> seeds(batch.stream()
                    .map(row -> SparkRecords.fromRow(row, Document.class)).toList(), excerpts, scorer, grader,
                    maxSeeds, minValue));
        }, Encoders.row(StageRows.schema(Seed.class)));
    }

    /** The heuristic score as the grade. */
    private static List<Grade> heuristic(List<Candidate> candidates) {
        Map<String, String> metadata = Map.of(SCORER, HEURISTIC);
        return candidates.stream().map(candidate -> Grade.of(candidate.heuristic(), metadata)).toList();
    }

    /** The seed rows of {@code documents}, each document's graded seeds best first, then its ungraded ones. */
    private static List<Row> seeds(List<Document> documents, Excerpts excerpts, SeedScorer scorer, Grader grader,
                                   int maxSeeds, double minValue) {
        List<List<Candidate>> byDocument = new ArrayList<>(documents.size());
        List<Candidate> candidates = new ArrayList<>();
        for (Document document : documents) {
            boolean hasTests = document.metadata().containsKey(Excerpts.TEST_KEY);
            List<Candidate> ofDocument = new ArrayList<>();
            for (Excerpt excerpt : excerpts.of(document.text(), document.sourceClass(), hasTests)) {
                String text = document.text().substring(excerpt.start(), excerpt.end());
                ofDocument.add(new Candidate(document, excerpt, text, scorer.score(text, excerpt.kind(), hasTests)));
            }
            byDocument.add(ofDocument);
            candidates.addAll(ofDocument);
        }
        Iterator<Grade> grades = grader.grade(candidates).iterator();
        List<Row> rows = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) {
            if (byDocument.get(d).isEmpty()) {
                rows.add(noExcerpt(documents.get(d)));
                continue;
            }
            List<Seed> graded = new ArrayList<>();
            List<Row> ungraded = new ArrayList<>();
            for (Candidate candidate : byDocument.get(d)) {
                Grade grade = grades.next();
                Map<String, String> metadata = new HashMap<>(candidate.document().metadata());
                metadata.putAll(grade.metadata());
                Excerpt excerpt = candidate.excerpt();
                if (grade.graded()) {
                    graded.add(Seed.of(candidate.document(), excerpt.start(), excerpt.end(), excerpt.kind(),
                            grade.score().tags(), grade.score().educationalValue(), metadata));
                } else {
                    ungraded.add(StageRows.row(Seed.of(candidate.document(), excerpt.start(), excerpt.end(),
                            excerpt.kind(), UNGRADED, 0, metadata), grade.failure()));
                }
            }
            rows.addAll(selected(graded, maxSeeds, minValue));
            rows.addAll(ungraded);
        }
        return rows;
    }

    /** One document's graded seeds best first, each kept or dropped for its value or the per-document limit. */
    private static List<Row> selected(List<Seed> ranked, int maxSeeds, double minValue) {
        ranked.sort(Comparator.comparingDouble(Seed::educationalValue).reversed().thenComparing(Seed::id));
        List<Row> rows = new ArrayList<>(ranked.size());
        int kept = 0;
        for (Seed seed : ranked) {
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
        if (usage != null) {
            usage.report((System.nanoTime() - appliedAt) / 1e9, context);
        }
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
        Seed seed = new Seed(id, document.id(), text, new TextSpan(0, text.length()), document.sourceClass(),
                SeedKind.PASSAGE, UNGRADED, 0, document.metadata(), List.of(document.id()));
        return StageRows.row(seed, NO_EXCERPT);
    }
}
