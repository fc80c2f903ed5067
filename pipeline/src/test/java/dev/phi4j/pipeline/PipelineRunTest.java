package dev.phi4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.ingest.IngestConfig;
import dev.phi4j.pipeline.ingest.JsonlSource;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
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
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

public class PipelineRunTest {

    /** A transform for these tests: drops documents shorter than min_chars. */
    @Variant("min_length")
    public record MinLength(int minChars) implements StageConfig {
        @Override
        public Stage build() {
            return new MinLengthStage(minChars, -1);
        }
    }

    /** Drops short documents; with {@code failAtLength ≥ 0} an executor dies on the first row of that length. */
    record MinLengthStage(int minChars, int failAtLength) implements Stage, java.io.Serializable {
        @Override
        public String name() {
            return "min_length";
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
            int fail = failAtLength;
            return StageRows.withReason(in).map((MapFunction<Row, Row>) row -> {
                int length = row.getString(StageRows.TEXT).length();
                if (length == fail) {
                    throw new IllegalStateException("simulated executor crash");
                }
                return length < min ? StageRows.drop(row, "too_short") : row;
            }, StageRows.encoder());
        }

        @Override
        public void summarize(Dataset<Row> output, StageContext context) {
            context.report("min_length.threshold", Map.of("min_chars", minChars));
        }
    }

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    private Path corpus() throws IOException {
        Path file = dir.resolve("qa.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("{\"q\": \"question " + i + " " + "word ".repeat(i) + "\", \"n\": " + i + "}");
        }
        lines.add("{\"q\": \"broken");
        lines.add("[1, 2]");
        lines.add("{\"other\": 3}");
        lines.add("");
        Files.write(file, lines);
        return file;
    }

    private List<Pipeline.Step> steps(Path corpus, Stage filter) {
        JsonlSource source = new JsonlSource("qa", SourceClass.QA, List.of(corpus.toString()), List.of("q"), "\n",
                Optional.empty(), List.of("n"), List.of(".jsonl"), 1L << 30, 1 << 20);
        IngestConfig ingest = new IngestConfig(List.of(source));
        return List.of(Pipeline.Step.of(ingest), new Pipeline.Step(new MinLength(30), filter));
    }

    private List<Pipeline.Outcome> run(String name, List<Pipeline.Step> steps) {
        RunConfig run = new RunConfig(name, dir.resolve("runs").toString(), 7);
        SparkConfig sparkConfig = new SparkConfig("local[2]", "test", 4, 3, "warn", Map.of());
        return new Pipeline(run, sparkConfig, new StageOutputConfig(true, 3), steps,
                new PrintStream(new ByteArrayOutputStream())).run(spark, "# test\n");
    }

    private static List<Row> rows(Path dataDir) {
        return spark.read().parquet(dataDir.toString()).orderBy("id").collectAsList();
    }

    @Test
    void everyStageAccountsForEveryRecordOnDisk() throws IOException {
        List<Pipeline.Outcome> outcomes = run("a", steps(corpus(), new MinLengthStage(30, -1)));

        Manifest ingest = outcomes.get(0).manifest();
        assertEquals(43, ingest.counts().in(), "43 records: 40 objects, 1 broken, 1 array, 1 without the field");
        assertEquals(40, ingest.counts().kept());
        assertEquals(Map.of("malformed_json", 2L, "missing_field", 1L), ingest.counts().droppedByReason());
        Manifest filter = outcomes.get(1).manifest();
        assertEquals(40, filter.counts().in());
        assertEquals(filter.counts().in(), filter.counts().kept() + filter.counts().dropped());
        assertTrue(filter.counts().droppedByReason().get("too_short") > 0);
        for (Pipeline.Outcome outcome : outcomes) {
            Manifest m = outcome.manifest();
            Path stageDir = dir.resolve("runs/a").resolve(m.stage().dir());
            assertTrue(m.invariant().holds());
            assertEquals(m.counts().kept(), rows(stageDir.resolve("data")).size());
            assertEquals(m.counts().dropped(), rows(stageDir.resolve("dropped")).size());
            assertEquals(List.of("id", "source", "source_class", "origin_uri", "text", "metadata", "lineage"),
                    List.of(spark.read().parquet(stageDir.resolve("data").toString()).schema().fieldNames()));
        }
        Row broken = spark.read().parquet(dir.resolve("runs/a/00-ingest/dropped").toString())
                .filter("drop_reason = 'malformed_json' AND text LIKE '{%'").first();
        assertTrue(broken.getString(3).endsWith("qa.jsonl#line=41"), broken.getString(3));
        assertTrue(broken.<String, String>getJavaMap(5).get("ingest.detail").contains("column"));
    }

    @Test
    void manifestIsVersionedSelfDescribingJson() throws IOException {
        run("m", steps(corpus(), new MinLengthStage(30, -1)));

        JsonNode json = ManifestJson.MAPPER.readTree(dir.resolve("runs/m/01-min_length/_manifest.json").toFile());
        assertEquals("phi4j-pipeline-stage", json.path("format").asText());
        assertEquals(1, json.path("version").asInt());
        assertEquals("min_length", json.path("stage").path("type").asText());
        assertEquals("transform", json.path("stage").path("kind").asText());
        assertEquals(30, json.path("config").path("value").path("min_chars").asInt());
        assertTrue(json.path("config").path("hash").asText().startsWith("sha256:"));
        assertEquals("stage_output", json.path("inputs").path(0).path("kind").asText());
        assertEquals(json.path("inputs").path(0).path("fingerprint").asText(), ManifestJson.MAPPER
                .readTree(dir.resolve("runs/m/00-ingest/_manifest.json").toFile())
                .path("outputs").path("kept").path("fingerprint").asText());
        assertEquals(30, json.path("sections").path("min_length.threshold").path("min_chars").asInt());
        assertTrue(json.path("counts").path("dropped_by_reason").has("too_short"));
        assertTrue(json.path("examples").path("too_short").size() > 0);
        assertTrue(json.path("by_source_class").has("qa"));
        assertTrue(json.path("timings").path("seconds").asDouble() > 0);
        JsonNode index = ManifestJson.MAPPER.readTree(dir.resolve("runs/m/_run.json").toFile());
        assertEquals("phi4j-pipeline-run", index.path("format").asText());
        assertEquals("done", index.path("stages").path(1).path("status").asText());
    }

    @Test
    void rerunOfAFinishedRunReusesEveryStageAndWritesNothing() throws IOException {
        Path corpus = corpus();
        run("r", steps(corpus, new MinLengthStage(30, -1)));
        List<Path> files = partFiles(dir.resolve("runs/r"));
        List<Long> times = files.stream().map(PipelineRunTest::modified).toList();

        List<Pipeline.Outcome> again = run("r", steps(corpus, new MinLengthStage(30, -1)));

        assertTrue(again.stream().allMatch(Pipeline.Outcome::reused));
        assertEquals(files, partFiles(dir.resolve("runs/r")));
        assertEquals(times, files.stream().map(PipelineRunTest::modified).toList());
    }

    @Test
    void changedConfigRerunsThatStageOnly() throws IOException {
        Path corpus = corpus();
        run("c", steps(corpus, new MinLengthStage(30, -1)));

        List<Pipeline.Step> changed = List.of(steps(corpus, null).get(0),
                new Pipeline.Step(new MinLength(50), new MinLengthStage(50, -1)));
        List<Pipeline.Outcome> again = run("c", changed);

        assertTrue(again.get(0).reused());
        assertFalse(again.get(1).reused());
        assertTrue(again.get(1).manifest().counts().dropped() > 0);
    }

    @Test
    void stageKilledMidRunIsRedoneWithIdenticalOutput() throws Exception {
        Path corpus = corpus();
        run("clean", steps(corpus, new MinLengthStage(30, -1)));
        String crashingLength = "question 31 " + "word ".repeat(31);

        assertThrows(Exception.class, () -> run("crashed",
                steps(corpus, new MinLengthStage(30, crashingLength.length()))));
        assertFalse(Files.exists(dir.resolve("runs/crashed/01-min_length/_manifest.json")));
        // What a kill during the rename leaves: the folder in place but no manifest.
        Files.createDirectories(dir.resolve("runs/crashed/01-min_length/data"));
        Files.writeString(dir.resolve("runs/crashed/01-min_length/data/part-00000-half.snappy.parquet"), "PAR1");

        List<Pipeline.Outcome> resumed = run("crashed", steps(corpus, new MinLengthStage(30, -1)));

        assertTrue(resumed.get(0).reused());
        assertFalse(resumed.get(1).reused());
        for (String stage : List.of("00-ingest", "01-min_length")) {
            for (String part : List.of("data", "dropped")) {
                assertEquals(contents(dir.resolve("runs/clean").resolve(stage).resolve(part)),
                        contents(dir.resolve("runs/crashed").resolve(stage).resolve(part)), stage + "/" + part);
            }
        }
        assertEquals(List.of(), listing(dir.resolve("runs/crashed/_tmp")));
    }

    @Test
    void aPipelineMustStartWithASourceStage() throws IOException {
        List<Pipeline.Step> steps = steps(corpus(), new MinLengthStage(30, -1));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> run("x", List.of(steps.get(1), steps.get(0))));
        assertTrue(error.getMessage().contains("stages[0] is 'min_length'"), error.getMessage());
    }

    @Test
    void unknownStageAndUnknownSourceKeyNameFileAndLine() throws IOException {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "stages:\n  - stage: ingest\n    sources:\n      - format: jsonl\n        name: a\n"
                + "        source_class: qa\n        paths: [x]\n        text_field: q\n  - stage: cleen\n");
        ConfigException unknownKey = assertThrows(ConfigException.class, () -> PipelineConfig.load(config, List.of()));
        assertEquals("stages[0].sources[0].text_field", unknownKey.key());
        assertTrue(unknownKey.getMessage().startsWith(config + ":8:9: "), unknownKey.getMessage());
        assertTrue(unknownKey.getMessage().contains("did you mean 'text_fields'?"), unknownKey.getMessage());

        Files.writeString(config, "stages:\n  - stage: ingest\n    sources: []\n");
        ConfigException empty = assertThrows(ConfigException.class, () -> PipelineConfig.load(config, List.of()));
        assertEquals("stages[0].sources", empty.key());
    }

    @Test
    void bundledPipelineConfigsAreValid() {
        for (String name : List.of("sample.yaml", "shared.yaml")) {
            PipelineConfig config = PipelineConfig.load(TestSpark.root().resolve("configs/pipeline").resolve(name),
                    List.of()).config();
            Pipeline pipeline = Pipeline.of(config, new PrintStream(new ByteArrayOutputStream()));
            assertEquals(List.of("ingest", "clean", "dedup", "decontam"),
                    config.stages().stream().map(Pipeline::type).toList(), name);
            assertTrue(pipeline.layout().root().toString().endsWith("runs/" + config.run().name()));
        }
        dev.phi4j.pipeline.decontam.DecontamConfig decontam = (dev.phi4j.pipeline.decontam.DecontamConfig)
                PipelineConfig.load(TestSpark.root().resolve("configs/pipeline/shared.yaml"), List.of()).config()
                        .stages().get(3);
        assertEquals(List.of(dev.phi4j.pipeline.decontam.DecontamConfig.MatcherKind.values()), decontam.matchers());
        assertEquals(8, decontam.normalized().ngram());
        assertEquals(0.6, decontam.sentences().itemFraction());
    }

    @Test
    void bundledSynthPipelineConfigIsValidAndNamesOnlyBundledTemplates() {
        PipelineConfig config = PipelineConfig.load(TestSpark.root().resolve("configs/pipeline/synth.yaml"), List.of())
                .config();
        List<String> types = config.stages().stream().map(Pipeline::type).toList();
        assertTrue(types.containsAll(List.of("seed", "synthesize", "plurality", "execute", "synth_documents")), types.toString());
        long templates = 0;
        for (var stage : config.stages()) {
            if (stage instanceof dev.phi4j.pipeline.synth.SynthConfig synth) {
                Path file = TestSpark.root().resolve(synth.templatesDir()).resolve(synth.template() + ".yaml");
                assertTrue(Files.exists(file), file.toString());
                templates++;
            }
            if (stage instanceof dev.phi4j.pipeline.synth.PluralityConfig plurality) {
                assertTrue(plurality.prompt().endsWith("\n\n{question}"), plurality.prompt());
                assertEquals(0.8, plurality.sampling().temperature());
            }
        }
        assertTrue(templates >= 10, "every kind of generation is in the demo: " + templates);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> partFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
        }
    }

    private static List<String> listing(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(Path::toString).toList();
        }
    }

    /** Each part file's bytes in part order: the same rows in the same files give the same list. */
    private static List<String> contents(Path folder) throws Exception {
        List<String> parts = new ArrayList<>();
        for (Path file : partFiles(folder)) {
            parts.add(file.getFileName().toString().substring(0, 10) + ":" + Sha256.hex(Files.readAllBytes(file)));
        }
        return parts;
    }
}
