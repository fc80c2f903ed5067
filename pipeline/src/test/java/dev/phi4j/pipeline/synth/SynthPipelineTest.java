package dev.phi4j.pipeline.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.sandbox.SandboxConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.pipeline.DocumentsFixture;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.StageOutputConfig;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.seed.SeedConfig;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.RunLayout;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.teacher.FaultyEndpoint;
import dev.phi4j.pipeline.teacher.TeacherConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The synthetic stages on Spark against a real HTTP endpoint that plays a teacher: it answers each prompt by what
 * it asks for (a plan, a critique with scores, a math answer), and fails on purpose when told to.
 */
class SynthPipelineTest {

    private static final Pattern NUMBER = Pattern.compile("\\d+");
    private static final int HUMANEVAL_PROBLEMS = 4;
    private static final Sampling SAMPLING = new Sampling(0.7, 1.0, 256);
    private static SparkSession spark;

    @TempDir
    Path dir;

    private FaultyEndpoint endpoint;
    private Path documents;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    @BeforeEach
    void start() throws IOException {
        endpoint = new FaultyEndpoint().answerWith(SynthPipelineTest::answer);
        documents = writeDocuments();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    /** What the scripted teacher says: deterministic in the request, like a cached model. */
    private static String answer(JsonNode request) {
        JsonNode messages = request.path("messages");
        String prompt = messages.path(messages.size() - 1).path("content").asText();
        long seed = request.path("seed").asLong();
        if (prompt.startsWith("Critique")) {
            return prompt.contains("Revised") ? "reasoning: 9/10\nfactual accuracy: 8/10" : "reasoning: 5/10\naccuracy: 6/10";
        }
        if (prompt.startsWith("Rewrite the textbook section")) {
            return "Revised section " + Math.floorMod(seed, 1000);
        }
        if (prompt.startsWith("Write the instruction")) {
            String code = prompt.substring(prompt.indexOf("\n\n") + 2);
            return "TASK\n" + (code.contains("def truncate_number") ? code.replace("return number % 1.0",
                    "return number") : code);
        }
        if (prompt.startsWith("TASK\n")) {
            return "```python\n" + prompt.substring(5) + "\n```";
        }
        if (prompt.startsWith("Solve")) {
            Matcher numbers = NUMBER.matcher(prompt);
            long first = numbers.find() ? Long.parseLong(numbers.group()) : 0;
            // Odd first numbers: all answers agree (too easy); multiples of 3: answers scatter (too hard); else 3 of 4.
            long answer = first % 2 == 1 ? first : first % 3 == 0 ? Math.floorMod(seed, 97) + 1000
                    : Math.floorMod(seed, 4) == 0 ? first + 1 : first * 2;
            return "Working it out step by step.\nAnswer: " + answer;
        }
        return "Generated text for: " + prompt.substring(0, Math.min(60, prompt.length())).replace('\n', ' ')
                + " (seed " + Math.floorMod(seed, 1000) + ")";
    }

    private Path writeDocuments() throws IOException {
        List<Document> docs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        List<String> gsm8k = Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl")).subList(0, 24);
        for (int i = 0; i < gsm8k.size(); i++) {
            JsonNode item = json.readTree(gsm8k.get(i));
            docs.add(Document.of("gsm8k", SourceClass.QA, "train.jsonl#line=" + (i + 1), item.get("question").asText(),
                    Map.of("answer", item.get("answer").asText()), List.of()));
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(TestSpark.shared("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (int i = 0; i < HUMANEVAL_PROBLEMS; i++) {
                JsonNode problem = json.readTree(lines.readLine());
                docs.add(Document.of("humaneval", SourceClass.CODE, "HumanEval.jsonl.gz#line=" + (i + 1),
                        problem.get("prompt").asText() + problem.get("canonical_solution").asText(),
                        Map.of("test", problem.get("test").asText(), "entry_point",
                                problem.get("entry_point").asText()), List.of()));
            }
        }
        String book = Files.readString(TestSpark.shared("tinyshakespeare/input.txt")).substring(0, 6000);
        docs.add(Document.of("shakespeare", SourceClass.BOOKS, "input.txt", book, Map.of(), List.of()));
        String page = ("The water cycle describes how water moves because the sun heats the oceans. Therefore water "
                + "evaporates, condenses into clouds and falls as rain, for example over mountains. ").repeat(4);
        docs.add(Document.of("web", SourceClass.WEB, "page.html", page + "\n\n" + page, Map.of(), List.of()));
        Path path = dir.resolve("documents");
        SparkRecords.dataFrame(spark, Document.class, docs).write().parquet(path.toString());
        return path;
    }

    /**
     * A panel member. The cache key does not include the client's patience, so runs with different timeouts and
     * retries share answers: only the run meant to see faults gets a timeout below the endpoint's slow reply.
     */
    private TeacherConfig teacher(String name, double timeoutSeconds, int retries) {
        return new TeacherConfig(name, endpoint.baseUrl(), "scripted", Optional.empty(), 4, 0, timeoutSeconds, retries,
                0, 0, 1.0, 2.0);
    }

    private TeacherConfig patient(String name) {
        return teacher(name, 30, 3);
    }

    private List<StageConfig> stages(List<TeacherConfig> panel, Path cache) {
        String templates = TestSpark.root().resolve("configs/synth").toString();
        SeedConfig seeds = new SeedConfig(Optional.empty(), List.of(), 100, 800, 2, 0.0, List.of("because"),
                List.of("login"), SeedConfig.Scorer.HEURISTIC, Optional.empty());
        return List.of(
                new DocumentsFixture("documents", documents.toString()),
                seeds,
                new SynthConfig(Optional.of("textbook"), List.of("seed"), "textbook_section", templates, panel,
                        cache.toString(), SAMPLING, 0),
                new SynthConfig(Optional.of("rewrite"), List.of("seed"), "web_rewrite_textbook", templates, panel,
                        cache.toString(), SAMPLING, 0),
                new SynthConfig(Optional.of("questions"), List.of("seed"), "question_as_is", templates, List.of(),
                        cache.toString(), SAMPLING, 0),
                new PluralityConfig(Optional.empty(), List.of("questions"), panel, cache.toString(), 4,
                        new Sampling(0.8, 1.0, 256), "number", 2, 0,
                        "Solve the following problem step by step.\n\n{question}"),
                new SynthConfig(Optional.of("reversal"), List.of("seed"), "instruction_reversal", templates, panel,
                        cache.toString(), SAMPLING, 0),
                new ExecuteConfig(Optional.empty(), List.of("reversal"),
                        new SandboxConfig(2, 5, 256, 16, 65536, 16, "python3", "", false), 0.5),
                new SynthDocumentsConfig(Optional.empty(), List.of("textbook", "rewrite", "plurality", "execute")));
    }

    private List<Pipeline.Outcome> run(String name, List<StageConfig> configs) {
        RunConfig run = new RunConfig(name, dir.resolve("runs").toString(), 7);
        SparkConfig sparkConfig = new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of());
        return new Pipeline(run, sparkConfig, new StageOutputConfig(true, 3),
                configs.stream().map(Pipeline.Step::of).toList(), new PrintStream(new ByteArrayOutputStream()))
                .run(spark, "# test\n");
    }

    private static Manifest stage(List<Pipeline.Outcome> outcomes, String name) {
        return outcomes.stream().map(Pipeline.Outcome::manifest).filter(m -> m.stage().name().equals(name))
                .findFirst().orElseThrow();
    }

    private List<SyntheticSample> kept(String run, Manifest manifest) {
        Path data = dir.resolve("runs").resolve(run).resolve(manifest.stage().dir()).resolve(RunLayout.DATA);
        return SparkRecords.read(spark, data.toString(), SyntheticSample.class).collectAsList().stream()
                .map(row -> SparkRecords.fromRow(row, SyntheticSample.class)).toList();
    }

    @Test
    void everyTemplateRunsOnItsSeedsWithLineageRevisionAndPluralityAndRerunsAskNothing() {
        List<TeacherConfig> panel = List.of(patient("panel-a"), patient("panel-b"));
        Path cache = dir.resolve("cache");

        List<Pipeline.Outcome> first = run("first", stages(panel, cache));

        for (Pipeline.Outcome outcome : first) {
            assertTrue(outcome.manifest().invariant().holds(), outcome.manifest().invariant().toString());
        }
        Manifest textbook = stage(first, "textbook");
        assertEquals(stage(first, "seed").counts().kept(), textbook.counts().in());
        List<SyntheticSample> sections = kept("first", textbook);
        assertFalse(sections.isEmpty());
        for (SyntheticSample section : sections) {
            assertEquals("textbook_section", section.metadata().get("template"));
            assertEquals(section.metadata().get("seed_id"), section.lineage().get(0));
            assertEquals(1, section.revisions().size(), "5.5/10 is below the threshold: one revision");
            assertTrue(section.response().startsWith("Revised section"));
            assertEquals(List.of("planner", "writer", "critique-1", "revise-1", "critique-2"),
                    section.calls().stream().map(c -> c.step()).toList());
        }
        assertEquals(Long.valueOf(textbook.counts().in() - sections.size()),
                textbook.counts().droppedByReason().get(SynthStage.NOT_APPLICABLE), "questions are not passages");
        JsonNode usage = textbook.sections().get("teacher.usage");
        assertEquals(sections.size() * 5L, usage.path("requests").asLong());
        assertEquals(2, usage.path("models").size(), "both panel members were used");
        assertTrue(usage.path("models").get(0).path("cost_usd").asDouble() > 0);

        Manifest rewrite = stage(first, "rewrite");
        assertEquals(2, rewrite.counts().kept(), "only the web page's passages are rewritten");

        Manifest plurality = stage(first, "plurality");
        JsonNode agreement = plurality.sections().get("plurality.agreement");
        assertEquals(24, agreement.path("questions").asLong());
        assertTrue(agreement.path("dropped_all_agree").asLong() > 0, agreement.toString());
        assertTrue(agreement.path("dropped_none_agree").asLong() > 0, agreement.toString());
        assertTrue(agreement.path("kept").asLong() > 0, agreement.toString());
        for (SyntheticSample question : kept("first", plurality)) {
            String reference = question.metadata().get("plurality.answer");
            assertTrue(question.response().endsWith("Answer: " + reference), "the kept solution reaches the plurality "
                    + "answer: " + question.response());
            assertEquals(4, question.calls().stream().filter(c -> c.step().startsWith("answer-")).count());
        }

        Manifest execute = stage(first, "execute");
        assertEquals(HUMANEVAL_PROBLEMS, execute.counts().in());
        assertEquals(Map.of("test_failed", 1L), execute.counts().droppedByReason(),
                "the regenerated truncate_number lost its % 1.0 and fails HumanEval's own tests");
        for (SyntheticSample pair : kept("first", execute)) {
            assertEquals("passed", pair.validation().status().name().toLowerCase());
            assertTrue(pair.prompt().get(pair.prompt().size() - 1).content().startsWith("TASK"),
                    "the pair's prompt is the reversed instruction");
        }

        Manifest documents = stage(first, "synth_documents");
        assertEquals(sections.size() + 2 + agreement.path("kept").asLong() + HUMANEVAL_PROBLEMS - 1,
                documents.counts().kept());
        assertTrue(documents.bySourceClass().containsKey("web_rewrite"));
        assertTrue(documents.bySourceClass().containsKey("synthetic"));

        for (String name : List.of("textbook", "plurality", "execute")) {
            everyParentOfAListedSampleIsListed(stage(first, name));
        }
        JsonNode question = null;
        Map<String, JsonNode> listed = listed(plurality);
        for (JsonNode record : listed.values()) {
            if (record.path("fields").has("plurality.answer")) {
                for (JsonNode parent : record.path("parents")) {
                    if (listed.get(parent.asText()).path("type").asText().equals("synthetic_sample")) {
                        question = listed.get(parent.asText());
                    }
                }
            }
        }
        assertNotNull(question, "a plurality sample's question is listed with it");
        assertFalse(question.path("fields").has("plurality.answer"), "the question, not another answer");

        int requestsBefore = endpoint.requests();
        List<Pipeline.Outcome> again = run("again", stages(panel, cache));

        assertEquals(requestsBefore, endpoint.requests(), "a re-run answers everything from the cache");
        assertEquals(1.0, stage(again, "textbook").sections().get("teacher.usage").path("cache_hit_rate").asDouble());
        for (String name : List.of("textbook", "rewrite", "plurality", "execute", "synth_documents")) {
            assertEquals(stage(first, name).outputs().kept().fingerprint(),
                    stage(again, name).outputs().kept().fingerprint(), name + " gives the same rows from the cache");
        }
    }

    /**
     * The stage's {@code lineage.records} list {@code stage_output.examples} (3) samples of each outcome, and every
     * parent of a listed sample (seed, teacher calls, the question) is listed too: the report can walk each one.
     */
    private static void everyParentOfAListedSampleIsListed(Manifest manifest) {
        Map<String, JsonNode> listed = listed(manifest);
        Map<String, Long> byOutcome = new java.util.TreeMap<>();
        for (JsonNode record : listed.values()) {
            if (!record.path("type").asText().equals("synthetic_sample")) {
                continue;
            }
            byOutcome.merge(record.path("fields").path("drop reason").asText("kept"), 1L, Long::sum);
            for (JsonNode parent : record.path("parents")) {
                assertTrue(listed.containsKey(parent.asText()), manifest.stage().name() + ": parent " + parent
                        + " of " + record.path("id").asText() + " is listed");
            }
        }
        Map<String, Long> expected = new java.util.TreeMap<>();
        if (manifest.counts().kept() > 0) {
            expected.put("kept", Math.min(3, manifest.counts().kept()));
        }
        manifest.counts().droppedByReason().forEach((reason, count) -> expected.put(reason, Math.min(3, count)));
        if (manifest.stage().name().equals("plurality")) {
            assertTrue(byOutcome.get("kept") >= expected.get("kept"), "the questions are listed as well");
        } else {
            assertEquals(expected, byOutcome, manifest.stage().name());
        }
    }

    private static Map<String, JsonNode> listed(Manifest manifest) {
        Map<String, JsonNode> listed = new java.util.LinkedHashMap<>();
        manifest.sections().get("lineage.records").forEach(r -> listed.put(r.path("id").asText(), r));
        return listed;
    }

    @Test
    void withAFifthOfCallsFailingNothingIsLostAndARerunCompletesTheRestLikeAnUninterruptedRun() {
        Path cache = dir.resolve("cache");
        endpoint.faultRate(0.2);
        List<Pipeline.Outcome> faulty = run("faulty", stages(List.of(teacher("panel-a", 1.0, 0)), cache));

        Manifest textbook = stage(faulty, "textbook");
        assertTrue(textbook.invariant().holds());
        long teacherDrops = textbook.counts().droppedByReason().entrySet().stream()
                .filter(e -> e.getKey().startsWith("teacher_")).mapToLong(Map.Entry::getValue).sum();
        assertTrue(teacherDrops > 0, textbook.counts().droppedByReason().toString());
        assertTrue(textbook.sections().get("teacher.usage").path("models").get(0).path("failed_calls").asLong() > 0);

        endpoint.faultRate(0);
        int beforeRerun = endpoint.requests();
        List<TeacherConfig> healthy = List.of(patient("panel-a"));
        List<Pipeline.Outcome> rerun = run("rerun", stages(healthy, cache));
        int rerunRequests = endpoint.requests() - beforeRerun;
        List<Pipeline.Outcome> clean = run("clean", stages(healthy, dir.resolve("fresh-cache")));
        int cleanRequests = endpoint.requests() - beforeRerun - rerunRequests;

        assertTrue(rerunRequests < cleanRequests / 2, "the re-run asks only what failed: " + rerunRequests + " of "
                + cleanRequests);
        for (String name : List.of("textbook", "rewrite", "plurality", "synth_documents")) {
            assertEquals(stage(clean, name).outputs().kept().fingerprint(),
                    stage(rerun, name).outputs().kept().fingerprint(), name);
            assertEquals(stage(clean, name).counts().droppedByReason(), stage(rerun, name).counts().droppedByReason(),
                    name);
        }
    }

    @Test
    void anEditedTemplateRerunsItsStageAndAnUnchangedOneIsReused() throws IOException {
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.copy(TestSpark.root().resolve("configs/synth/question_as_is.yaml"), templates.resolve("question_as_is.yaml"));
        SeedConfig seeds = new SeedConfig(Optional.empty(), List.of(), 100, 800, 2, 0.0, List.of("because"),
                List.of("login"), SeedConfig.Scorer.HEURISTIC, Optional.empty());
        List<StageConfig> stages = List.of(new DocumentsFixture("documents", documents.toString()), seeds,
                new SynthConfig(Optional.of("questions"), List.of("seed"), "question_as_is", templates.toString(),
                        List.of(), dir.resolve("cache").toString(), SAMPLING, 0));

        List<Pipeline.Outcome> first = run("edits", stages);
        List<Pipeline.Outcome> unchanged = run("edits", stages);
        Files.writeString(templates.resolve("question_as_is.yaml"), Files.readString(templates.resolve(
                "question_as_is.yaml")).replace("response: \"{seed}\"", "response: \"Question: {seed}\""));
        List<Pipeline.Outcome> edited = run("edits", stages);

        assertFalse(first.get(2).reused());
        assertTrue(unchanged.get(2).reused(), "the same template: the finished stage is reused");
        assertFalse(edited.get(2).reused(), "an edited template makes other samples: the stage runs again");
        assertTrue(edited.get(1).reused(), "the seeds did not change");
        assertTrue(kept("edits", edited.get(2).manifest()).stream().allMatch(s -> s.response().startsWith("Question: ")));
    }
}
