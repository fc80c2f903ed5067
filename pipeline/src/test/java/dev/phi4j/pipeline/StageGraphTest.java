package dev.phi4j.pipeline;

import dev.phi4j.core.config.Variant;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.ingest.IngestConfig;
import dev.phi4j.pipeline.ingest.JsonlSource;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stages read the stages their config names: checked when built, unioned when several, typed by record. */
public class StageGraphTest {

    /** Keeps documents of at least min_chars; reads the stages {@code input} names. */
    @Variant("keep_long")
    public record KeepLong(Optional<String> name, List<String> input, int minChars) implements StageConfig {
        @Override
        public Stage build() {
            return new KeepLongStage(minChars);
        }
    }

    record KeepLongStage(int minChars) implements Stage {
        @Override
        public String name() {
            return "keep_long";
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
            int min = minChars;
            return StageRows.withReason(in).map((MapFunction<Row, Row>) row ->
                    row.getString(StageRows.TEXT).length() < min ? StageRows.drop(row, "too_short") : row,
                    StageRows.encoder());
        }
    }

    /** Turns each document into a seed of its first 20 characters; shorter documents are dropped. */
    @Variant("seeds")
    public record Seeds(Optional<String> name, List<String> input) implements StageConfig {
        @Override
        public Stage build() {
            return new SeedStage();
        }
    }

    static final class SeedStage implements Stage {
        static final int CHARS = 20;

        @Override
        public String name() {
            return "seeds";
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
            return in.map((MapFunction<Row, Row>) row -> {
                Document document = SparkRecords.fromRow(row, Document.class);
                int end = Math.min(CHARS, document.text().length());
                Seed seed = Seed.of(document, 0, Math.max(end, 1), SeedKind.PASSAGE, new SeedTags(1, 1, 0), 0.5,
                        java.util.Map.of());
                return StageRows.row(seed, end < CHARS ? "too_short_for_seed" : null);
            }, Encoders.row(StageRows.schema(Seed.class)));
        }
    }

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    private Pipeline.Step ingest(String name, int from, int to) throws IOException {
        Path file = dir.resolve(name + ".jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add("{\"q\": \"" + name + " question " + i + " " + "word ".repeat(i) + "\"}");
        }
        Files.write(file, lines);
        JsonlSource source = new JsonlSource(name, SourceClass.QA, List.of(file.toString()), List.of("q"), "\n",
                Optional.empty(), List.of(), List.of(".jsonl"), 1L << 30, 1 << 20);
        return Pipeline.Step.of(new IngestConfig(Optional.of(name), List.of(source)));
    }

    private static Pipeline.Step keepLong(String name, List<String> input, int minChars) {
        return Pipeline.Step.of(new KeepLong(Optional.ofNullable(name), input, minChars));
    }

    private Pipeline pipeline(String run, List<Pipeline.Step> steps) {
        return new Pipeline(new RunConfig(run, dir.resolve("runs").toString(), 7),
                new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of()), new StageOutputConfig(true, 3), steps,
                new PrintStream(new ByteArrayOutputStream()));
    }

    private String error(List<Pipeline.Step> steps) {
        return assertThrows(IllegalArgumentException.class, () -> pipeline("x", steps)).getMessage();
    }

    @Test
    void graphErrorsNameTheConfigKey() throws IOException {
        Pipeline.Step a = ingest("a", 0, 3);
        Pipeline.Step seeds = Pipeline.Step.of(new Seeds(Optional.empty(), List.of()));

        assertTrue(error(List.of(a, keepLong(null, List.of("b"), 1))).startsWith(
                "stages[1].input: no stage is named 'b'; stages: a, keep_long"));
        assertTrue(error(List.of(a, keepLong(null, List.of("late"), 1), keepLong("late", List.of(), 1)))
                .startsWith("stages[1].input: 'late' is stages[2], not listed before this stage"));
        assertTrue(error(List.of(a, keepLong(null, List.of(), 1), keepLong(null, List.of(), 2))).startsWith(
                "stages[2].name: stage name 'keep_long' is also the name of stages[1]"));
        assertTrue(error(List.of(a, seeds, keepLong(null, List.of(), 1))).startsWith(
                "stages[2].input (omitted: the stage listed before): 'seeds' writes Seed records, but 'keep_long' reads Document records"));
        assertTrue(error(List.of(a, seeds, keepLong(null, List.of("seeds"), 1))).startsWith(
                "stages[2].input: 'seeds' writes Seed records, but 'keep_long' reads Document records"));
        assertTrue(error(List.of(a, keepLong(null, List.of("a", "a"), 1))).startsWith(
                "stages[1].input: 'a' is listed twice"));
    }

    @Test
    void aStageReadsANamedStageThatIsNotThePreviousOne() throws IOException {
        List<Pipeline.Outcome> outcomes = pipeline("named", List.of(ingest("a", 0, 20),
                keepLong("long", List.of(), 40), keepLong("longer", List.of("a"), 60))).run(spark, "# test\n");

        Manifest longer = outcomes.get(2).manifest();
        assertEquals("02-longer", longer.stage().dir());
        assertEquals(outcomes.get(0).manifest().counts().kept(), longer.counts().in());
        assertEquals(List.of("00-a"), longer.inputs().stream().map(input -> input.name()).toList());
        assertTrue(longer.invariant().holds());
    }

    @Test
    void twoInputsAreUnionedAndBothAreTheStagesIdentity() throws IOException {
        List<Pipeline.Step> steps = List.of(ingest("a", 0, 10), ingest("b", 10, 25),
                keepLong("both", List.of("b", "a"), 0));
        List<Pipeline.Outcome> outcomes = pipeline("union", steps).run(spark, "# test\n");

        Manifest both = outcomes.get(2).manifest();
        assertEquals(25, both.counts().in());
        assertEquals(25, both.counts().kept());
        assertEquals(List.of("01-b", "00-a"), both.inputs().stream().map(input -> input.name()).toList());
        assertEquals(25, spark.read().parquet(dir.resolve("runs/union/02-both/data").toString()).count());

        List<Pipeline.Step> moreA = List.of(ingest("a", 0, 11), steps.get(1), steps.get(2));
        List<Pipeline.Outcome> again = pipeline("union", moreA).run(spark, "# test\n");
        assertTrue(again.get(1).reused());
        assertEquals(26, again.get(2).manifest().counts().in(), "a changed input re-runs the stage reading it");
    }

    @Test
    void dataAndDroppedSchemasComeFromTheRecordTypeTheStageWrites() throws IOException {
        List<Pipeline.Outcome> outcomes = pipeline("seeds", List.of(ingest("a", 0, 12),
                Pipeline.Step.of(new Seeds(Optional.empty(), List.of())))).run(spark, "# test\n");

        Manifest seeds = outcomes.get(1).manifest();
        assertTrue(seeds.invariant().holds());
        assertEquals(12, seeds.counts().in());
        assertTrue(seeds.counts().dropped() > 0 && seeds.counts().kept() > 0, seeds.counts().toString());
        Path stageDir = dir.resolve("runs/seeds/01-seeds");
        List<String> seedColumns = List.of(SparkRecords.structType(Seed.class).fieldNames());
        assertEquals(seedColumns, List.of(spark.read().parquet(stageDir.resolve("data").toString()).schema()
                .fieldNames()));
        List<String> droppedColumns = new ArrayList<>(seedColumns);
        droppedColumns.add(Stage.DROP_REASON);
        assertEquals(droppedColumns, List.of(spark.read().parquet(stageDir.resolve("dropped").toString()).schema()
                .fieldNames()));
        Seed first = SparkRecords.fromRow(SparkRecords.read(spark, stageDir.resolve("data").toString(), Seed.class)
                .orderBy("id").first(), Seed.class);
        assertEquals(SeedStage.CHARS, first.text().length());
    }
}
