package dev.phi4j.pipeline.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.DocumentsFixture;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.PipelineConfig;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.StageOutputConfig;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.RunLayout;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.teacher.FaultyEndpoint;
import dev.phi4j.pipeline.teacher.TeacherException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeds graded by a teacher: a real HTTP endpoint whose scripted teacher values an excerpt by whether it explains
 * ("because"), against heuristics configured to value other markers, so the two disagree and the seeds show whose
 * grade decided. Real GSM8K questions and Shakespeare, plus crafted passages that make the teacher misbehave.
 */
class TeacherGradingTest {

    private static final String TEACHER = "grader";
    private static final int MAX_CONCURRENCY = 4;
    private static final double MIN_VALUE = 0.3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Heuristically rich (reasoning markers, numbers, textbook sentences) but never saying "because". */
    private static final String TEXTBOOK = "Water boils at 100 degrees Celsius at sea level. Therefore a pot on a "
            + "mountain boils sooner, for example at 90 degrees on a high peak. Thus cooking takes longer there, hence "
            + "the pressure cookers used by climbers.";
    /** Boilerplate by the heuristics' markers, but it explains: the scripted teacher values it. */
    private static final String EXPLAINED_BANNER = "Login to subscribe because the cookie banner says so. Click here "
            + "because the privacy policy changed. Subscribe now because login is required to read on.";

    private static SparkSession spark;

    @TempDir
    Path dir;

    private FaultyEndpoint endpoint;
    private final AtomicBoolean serverErrors = new AtomicBoolean(true);

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    @BeforeEach
    void start() throws IOException {
        endpoint = new FaultyEndpoint().answerWith(TeacherGradingTest::grade)
                .replyTo(request -> excerpt(request).contains("TRUNCATE"), FaultyEndpoint.Reply.length())
                .replyTo(request -> serverErrors.get() && excerpt(request).contains("SERVER_ERROR"),
                        FaultyEndpoint.Reply.status(500));
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    /** The excerpt a grading request is about: the default prompt sets it between {@code <<<} and {@code >>>}. */
    private static String excerpt(JsonNode request) {
        JsonNode messages = request.path("messages");
        String prompt = messages.path(messages.size() - 1).path("content").asText();
        int start = prompt.indexOf("<<<\n");
        int end = prompt.indexOf("\n>>>", start);
        return start < 0 || end < 0 ? "" : prompt.substring(start + 4, end);
    }

    private static int becauses(String text) {
        return text.split("because", -1).length - 1;
    }

    /** The scripted teacher: an excerpt is worth 0.9 when it says "because", 0.1 otherwise. */
    private static String grade(JsonNode request) {
        String excerpt = excerpt(request);
        if (excerpt.contains("MALFORMED")) {
            return "This excerpt is quite educational; I would give it 8 out of 10.";
        }
        if (excerpt.contains("OVERRANGE")) {
            return "Here is my {grade}:\n```json\n{'educational_value': '1.7', complexity: 9, \"factual_obscurity\": 0,"
                    + " \"reasoning_steps\": -2,}\n```";
        }
        int because = becauses(excerpt);
        return "Grade: {\"educational_value\": " + (because > 0 ? 0.9 : 0.1) + ", \"complexity\": "
                + (because > 0 ? 4 : 2) + ", \"factual_obscurity\": 3, \"reasoning_steps\": " + because + "}";
    }

    private GradingConfig grading(Path cache) {
        ObjectNode json = JSON.createObjectNode();
        json.putObject("endpoint").put("name", TEACHER).put("base_url", endpoint.baseUrl()).put("model", "scripted")
                .put("max_concurrency", MAX_CONCURRENCY).put("timeout_seconds", 30).put("max_retries", 0)
                .put("initial_backoff_seconds", 0);
        json.put("cache_dir", cache.toString());
        return ConfigJson.fromJson(json, GradingConfig.class, "test");
    }

    private SeedConfig seeds(Path cache) {
        return new SeedConfig(Optional.empty(), List.of(), 100, 600, 3, MIN_VALUE,
                List.of("therefore", "thus", "hence", "for example"),
                List.of("cookie", "login", "subscribe", "click here", "privacy policy"), SeedConfig.Scorer.TEACHER,
                Optional.of(grading(cache)));
    }

    private Path documents(String... crafted) throws IOException {
        List<Document> documents = new ArrayList<>();
        List<String> gsm8k = Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl")).subList(0, 12);
        for (int i = 0; i < gsm8k.size(); i++) {
            JsonNode item = JSON.readTree(gsm8k.get(i));
            documents.add(Document.of("gsm8k", SourceClass.QA, "train.jsonl#line=" + (i + 1),
                    item.get("question").asText(), Map.of("answer", item.get("answer").asText()), List.of()));
        }
        String book = Files.readString(TestSpark.shared("tinyshakespeare/input.txt")).substring(0, 3000);
        documents.add(Document.of("shakespeare", SourceClass.BOOKS, "input.txt", book, Map.of(), List.of()));
        for (int i = 0; i < crafted.length; i++) {
            documents.add(Document.of("web", SourceClass.WEB, "page-" + i + ".html", crafted[i], Map.of(), List.of()));
        }
        documents.add(Document.of("web", SourceClass.WEB, "tiny.html", "Too short to seed.", Map.of(), List.of()));
        Path path = dir.resolve("documents");
        SparkRecords.dataFrame(spark, Document.class, documents).write().parquet(path.toString());
        return path;
    }

    private List<Pipeline.Outcome> run(String name, Path documents, SeedConfig seeds) {
        RunConfig run = new RunConfig(name, dir.resolve("runs").toString(), 7);
        SparkConfig sparkConfig = new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of());
        List<Pipeline.Step> steps = Stream.of(new DocumentsFixture("documents", documents.toString()), seeds)
                .map(Pipeline.Step::of).toList();
        return new Pipeline(run, sparkConfig, new StageOutputConfig(true, 3), steps,
                new PrintStream(new ByteArrayOutputStream())).run(spark, "# test\n");
    }

    /** A written seed and its drop reason (null: kept). */
    private record Written(Seed seed, String reason) {}

    private List<Written> written(String run, Manifest manifest) {
        Path stage = dir.resolve("runs").resolve(run).resolve(manifest.stage().dir());
        List<Written> rows = new ArrayList<>();
        SparkRecords.read(spark, stage.resolve(RunLayout.DATA).toString(), Seed.class).collectAsList()
                .forEach(row -> rows.add(new Written(SparkRecords.fromRow(row, Seed.class), null)));
        for (Row row : spark.read().parquet(stage.resolve(RunLayout.DROPPED).toString()).collectAsList()) {
            rows.add(new Written(SparkRecords.fromRow(row, Seed.class), row.getAs(Stage.DROP_REASON)));
        }
        return rows;
    }

    private static void assertAccountedFor(Manifest seeds, long documents) {
        assertTrue(seeds.invariant().holds(), seeds.invariant().toString());
        JsonNode expansion = seeds.sections().get("stage.expansion");
        assertEquals(documents, expansion.get("input_rows").asLong());
        assertEquals(documents, expansion.get("input_rows_with_output").asLong(), "every document has a row");
    }

    @Test
    void keptAndDroppedFollowTheTeachersGradesNotTheHeuristicsAndARerunAsksNothing() throws IOException {
        String page = String.join("\n\n", TEXTBOOK, EXPLAINED_BANNER, TEXTBOOK.replace("sea level", "the coast"),
                "OVERRANGE: metals conduct heat because their free electrons carry energy from the hot end to the "
                        + "cold end of a rod.");
        Path documents = documents(page, EXPLAINED_BANNER.replace("read on", "continue"));
        Path cache = dir.resolve("cache");
        endpoint.answerDelayMillis(30);

        List<Pipeline.Outcome> first = run("first", documents, seeds(cache));

        Manifest seeds = first.get(1).manifest();
        assertAccountedFor(seeds, first.get(0).manifest().counts().kept());
        assertEquals(1, seeds.counts().droppedByReason().get(SeedStage.NO_EXCERPT));
        List<Written> rows = written("first", seeds);
        List<Written> graded = rows.stream().filter(w -> !SeedStage.NO_EXCERPT.equals(w.reason())).toList();
        assertEquals(graded.size(), endpoint.requests(), "one request per excerpt");
        List<Seed> kept = new ArrayList<>();
        List<Seed> tooLow = new ArrayList<>();
        for (Written row : graded) {
            Seed seed = row.seed();
            assertEquals(TEACHER, seed.metadata().get(SeedStage.SCORER), seed.text());
            assertTrue(seed.metadata().containsKey(SeedStage.HEURISTIC_VALUE), "the heuristic value is kept beside");
            if (seed.text().contains("OVERRANGE")) {
                assertNull(row.reason());
                assertEquals(1.0, seed.educationalValue());
                assertEquals(new SeedTags(5, 1, 0), seed.tags());
                assertEquals("educational_value 1.7 → 1; complexity 9 → 5; factual_obscurity 0 → 1; "
                        + "reasoning_steps -2 → 0", seed.metadata().get(SeedStage.GRADE_CLAMPED));
                assertTrue(seed.metadata().get(SeedStage.GRADE_RAW).contains("'educational_value': '1.7'"));
                continue;
            }
            int because = becauses(seed.text());
            assertEquals(because > 0 ? 0.9 : 0.1, seed.educationalValue(), seed.text());
            assertEquals(new SeedTags(because > 0 ? 4 : 2, 3, because), seed.tags(), "tags are the teacher's");
            assertFalse(seed.metadata().containsKey(SeedStage.GRADE_RAW), "a usable grade keeps no raw reply");
            if (row.reason() == null) {
                kept.add(seed);
            } else if (because > 0) {
                assertEquals(SeedStage.OVER_LIMIT, row.reason(), seed.text());
            } else {
                assertEquals(SeedStage.LOW_VALUE, row.reason(), seed.text());
                tooLow.add(seed);
            }
        }
        assertTrue(kept.stream().allMatch(s -> s.text().contains("because")));
        assertTrue(tooLow.stream().noneMatch(s -> s.text().contains("because")));
        assertTrue(kept.stream().anyMatch(s -> heuristicValue(s) < MIN_VALUE),
                "the teacher keeps what the heuristics would drop");
        assertTrue(tooLow.stream().anyMatch(s -> heuristicValue(s) >= MIN_VALUE),
                "the teacher drops what the heuristics would keep");
        assertTrue(tooLow.stream().anyMatch(s -> s.sourceClass() == SourceClass.QA), "GSM8K questions never explain");
        assertTrue(endpoint.maxInFlight() > 1 && endpoint.maxInFlight() <= MAX_CONCURRENCY,
                "graded concurrently, within max_concurrency: " + endpoint.maxInFlight());
        JsonNode usage = seeds.sections().get("teacher.usage");
        assertEquals(graded.size(), usage.path("requests").asLong());
        assertEquals(TEACHER, usage.path("models").get(0).path("model").asText());

        int requestsBefore = endpoint.requests();
        List<Pipeline.Outcome> again = run("again", documents, seeds(cache));

        assertEquals(requestsBefore, endpoint.requests(), "a re-run grades everything from the cache");
        Manifest seedsAgain = again.get(1).manifest();
        assertEquals(1.0, seedsAgain.sections().get("teacher.usage").path("cache_hit_rate").asDouble());
        assertEquals(seeds.outputs().kept().fingerprint(), seedsAgain.outputs().kept().fingerprint());
    }

    @Test
    void unusableRepliesAndFailedCallsAreDroppedWithTheirReasonAndRawReplyAndARerunRetriesOnlyTheFailedCalls()
            throws IOException {
        String page = String.join("\n\n", EXPLAINED_BANNER,
                "MALFORMED: a lever multiplies force because the longer arm moves through a greater distance than the "
                        + "short arm does.",
                "TRUNCATE: ice floats on water because it is less dense than the liquid it freezes from, which is a "
                        + "rare case among substances.",
                "SERVER_ERROR: the sky is blue because air scatters the short wavelengths of sunlight more strongly "
                        + "than the long ones.");
        Path documents = documents(page, "SERVER_ERROR on the only excerpt of a page, which explains nothing at all "
                + "to anyone who reads it, whatever they came for.");
        Path cache = dir.resolve("cache");

        List<Pipeline.Outcome> first = run("first", documents, seeds(cache));

        Manifest seeds = first.get(1).manifest();
        assertAccountedFor(seeds, first.get(0).manifest().counts().kept());
        Map<String, Long> dropped = seeds.counts().droppedByReason();
        assertEquals(1L, dropped.get(SeedStage.SCORE_UNPARSED));
        assertEquals(1L, dropped.get(SeedStage.TRUNCATED));
        assertEquals(2L, dropped.get(TeacherException.http(500)));
        for (Written row : written("first", seeds)) {
            Seed seed = row.seed();
            String raw = seed.metadata().get(SeedStage.GRADE_RAW);
            if (seed.text().startsWith("MALFORMED")) {
                assertEquals(SeedStage.SCORE_UNPARSED, row.reason());
                assertEquals("This excerpt is quite educational; I would give it 8 out of 10.", raw);
            } else if (seed.text().startsWith("TRUNCATE")) {
                assertEquals(SeedStage.TRUNCATED, row.reason());
                assertTrue(raw.startsWith("Grade: {\"educational_value\": 0.9"), raw);
            } else if (seed.text().startsWith("SERVER_ERROR")) {
                assertEquals(TeacherException.http(500), row.reason());
                assertTrue(raw.contains("scripted HTTP 500"), raw);
            } else {
                assertNull(raw, seed.text());
                continue;
            }
            assertEquals(TEACHER, seed.metadata().get(SeedStage.SCORER));
            assertEquals(0, seed.educationalValue(), "an ungraded excerpt has no value");
        }
        assertEquals(2, seeds.sections().get("teacher.usage").path("models").get(0).path("failed_calls").asLong());

        serverErrors.set(false);
        int requestsBefore = endpoint.requests();
        List<Pipeline.Outcome> again = run("again", documents, seeds(cache));

        assertEquals(requestsBefore + 2, endpoint.requests(), "failures are not cached, answers are");
        Manifest seedsAgain = again.get(1).manifest();
        assertAccountedFor(seedsAgain, first.get(0).manifest().counts().kept());
        assertNull(seedsAgain.counts().droppedByReason().get(TeacherException.http(500)));
        assertEquals(1L, seedsAgain.counts().droppedByReason().get(SeedStage.TRUNCATED), "a cut reply stays cut");
        assertTrue(written("again", seedsAgain).stream().anyMatch(w -> w.reason() == null
                && w.seed().text().startsWith("SERVER_ERROR: the sky is blue")), "the retried excerpt is graded");
    }

    @Test
    void repliesAreReadLeniently() {
        GradeReply fenced = GradeReply.parse("Sure {x}!\n```json\n{\"educational_value\": \"0.75\", 'complexity': 3.4,"
                + " factual_obscurity: 2, \"reasoning_steps\": 2.6,}\n```\nHope it helps {ok}").orElseThrow();
        assertEquals(new SeedScorer.Score(new SeedTags(3, 2, 3), 0.75), fenced.score());
        assertEquals(List.of(), fenced.clamped(), "rounding is not clamping");

        assertEquals(List.of("educational_value -0.5 → 0"), GradeReply.parse("{\"educational_value\": -0.5, "
                + "\"complexity\": 1, \"factual_obscurity\": 5, \"reasoning_steps\": 0}").orElseThrow().clamped());

        assertTrue(GradeReply.parse("{\"educational_value\": 0.5, \"complexity\": 2, \"factual_obscurity\": 2}")
                .isEmpty(), "a missing number");
        assertTrue(GradeReply.parse("{\"educational_value\": \"high\", \"complexity\": 2, \"factual_obscurity\": 2, "
                + "\"reasoning_steps\": 1}").isEmpty(), "a word for a number");
        assertTrue(GradeReply.parse("[0.5, 2, 2, 1]").isEmpty(), "no object");
        assertTrue(GradeReply.parse("{\"grade\": {\"educational_value\": 0.5, \"complexity\": 2, "
                + "\"factual_obscurity\": 2, \"reasoning_steps\": 1}}").isEmpty(), "the first object is the grade");
    }

    @Test
    void thePromptNamesTheKindAndLeavesTheExcerptAsWritten() {
        String prompt = TeacherGrading.prompt("A {kind}:\n{excerpt}\nGrade the {kind}.", "x = {kind} + {excerpt}",
                SeedKind.CODE);
        assertEquals("A code:\nx = {kind} + {excerpt}\nGrade the code.", prompt);
    }

    @Test
    void configErrorsNameTheKey() throws IOException {
        String ingest = "stages:\n  - stage: ingest\n    sources:\n      - {format: jsonl, name: a, source_class: qa, "
                + "paths: [x], text_fields: [q]}\n";
        Path config = dir.resolve("seeds.yaml");

        Files.writeString(config, ingest + "  - stage: seed\n    scorer: teacher\n");
        ConfigException noTeacher = assertThrows(ConfigException.class, () -> PipelineConfig.load(config, List.of()));
        assertEquals("stages[1].scorer", noTeacher.key());
        assertTrue(noTeacher.getMessage().contains("needs a teacher section"), noTeacher.getMessage());

        String teacher = "    teacher:\n      endpoint: {name: g, base_url: 'http://localhost:8000/v1', model: m}\n";
        Files.writeString(config, ingest + "  - stage: seed\n" + teacher);
        ConfigException unused = assertThrows(ConfigException.class, () -> PipelineConfig.load(config, List.of()));
        assertEquals("stages[1].teacher", unused.key());

        Files.writeString(config, ingest + "  - stage: seed\n    scorer: teachers\n" + teacher);
        ConfigException unknown = assertThrows(ConfigException.class, () -> PipelineConfig.load(config, List.of()));
        assertEquals("stages[1].scorer", unknown.key());
        assertTrue(unknown.getMessage().contains("heuristic | teacher"), unknown.getMessage());

        Files.writeString(config, ingest + "  - stage: seed\n    scorer: teacher\n" + teacher
                + "      prompt: 'Grade this.'\n");
        ConfigException noExcerpt = assertThrows(ConfigException.class, () -> PipelineConfig.load(config, List.of()));
        assertEquals("stages[1].teacher.prompt", noExcerpt.key());

        Files.writeString(config, ingest + "  - stage: seed\n    scorer: teacher\n" + teacher);
        SeedConfig seeds = (SeedConfig) PipelineConfig.load(config, List.of()).config().stages().get(1);
        GradingConfig grading = seeds.teacher().orElseThrow();
        assertEquals(0, grading.temperature(), "one grade per excerpt");
        assertTrue(grading.prompt().contains("<<<\n{excerpt}\n>>>") && grading.prompt().contains("({kind})"));
        assertTrue(grading.prompt().endsWith("{\"educational_value\": 0.0, \"complexity\": 1, \"factual_obscurity\": 1,"
                + " \"reasoning_steps\": 0}"), grading.prompt());
        assertTrue(GradeReply.parse(grading.prompt()).isPresent(), "its example reply is a grade");
    }

    private static double heuristicValue(Seed seed) {
        return Double.parseDouble(seed.metadata().get(SeedStage.HEURISTIC_VALUE));
    }
}
