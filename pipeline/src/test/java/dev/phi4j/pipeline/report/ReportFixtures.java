package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.pipeline.stage.ManifestJson;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.DocumentsFixture;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.StageOutputConfig;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.seed.SeedConfig;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.synth.Sampling;
import dev.phi4j.pipeline.synth.SynthConfig;
import dev.phi4j.pipeline.teacher.FaultyEndpoint;
import dev.phi4j.pipeline.teacher.TeacherConfig;
import org.apache.spark.sql.SparkSession;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Run folders for report tests: a copy of a real run's manifests plus a stage manifest carrying sections in the shapes
 * pipeline/README.md documents (plurality, self-revision, teacher usage, code execution, expansion, hand-written
 * lineage records of a seed, a sample and a teacher call); and a small real run of the synthetic stages.
 */
final class ReportFixtures {

    private ReportFixtures() {}

    /** Copies every manifest of {@code run} (not the data) into {@code target}. */
    static void copyManifests(Path run, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(run)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                String name = file.getFileName().toString();
                if (name.equals("_manifest.json") || name.equals("_mixture.json") || name.equals("_run.json")) {
                    Path copy = target.resolve(run.relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
        }
    }

    /**
     * Adds {@code 04-later} after the run's last stage ({@code 03-decontam}); its manifest carries the sections of
     * the stages still to come.
     */
    static void addLaterStageSections(Path run, String documentId) throws IOException {
        ObjectNode manifest = (ObjectNode) ManifestJson.MAPPER.readTree(run.resolve("03-decontam/_manifest.json")
                .toFile());
        ObjectNode stage = (ObjectNode) manifest.get("stage");
        stage.put("index", 4).put("name", "later").put("type", "later").put("kind", "transform").put("dir", "04-later");
        long kept = manifest.path("counts").path("kept").asLong();
        ObjectNode counts = (ObjectNode) manifest.get("counts");
        counts.put("in", kept).put("kept", kept - 7).put("dropped", 7);
        counts.putObject("dropped_by_reason").put("too_easy", 4).put("too_hard", 3);
        ObjectNode invariant = (ObjectNode) manifest.get("invariant");
        invariant.put("in", kept).put("kept", kept - 7).put("dropped", 7).put("kept_written", kept - 7)
                .put("dropped_written", 7);
        manifest.putObject("examples");
        ObjectNode sections = manifest.putObject("sections");
        sections.set("plurality.agreement", json("""
                {"answers_per_question": 8, "questions": 100, "kept": 61, "dropped_all_agree": 30, "dropped_none_agree": 9,
                 "histogram": [{"agreeing": 1, "questions": 9}, {"agreeing": 2, "questions": 7}, {"agreeing": 3, "questions": 10},
                               {"agreeing": 4, "questions": 12}, {"agreeing": 5, "questions": 11}, {"agreeing": 6, "questions": 12},
                               {"agreeing": 7, "questions": 9}, {"agreeing": 8, "questions": 30}]}
                """));
        sections.set("revision.scores", json("""
                {"samples": 40, "rounds": [{"round": 1, "mean_before": 5.9, "mean_after": 7.1},
                                           {"round": 2, "mean_before": 7.1, "mean_after": 7.6}],
                 "changes": [{"delta": -1, "samples": 2}, {"delta": 0, "samples": 8}, {"delta": 1, "samples": 17},
                             {"delta": 2, "samples": 10}, {"delta": 3, "samples": 3}]}
                """));
        sections.set("teacher.usage", json("""
                {"models": [{"model": "teacher-large", "calls": 1200, "cached_calls": 200, "failed_calls": 3,
                             "prompt_tokens": 900000, "completion_tokens": 400000, "cost_usd": 12.5}],
                 "seconds": 250.0, "requests": 1003, "requests_per_second": 4.012,
                 "completion_tokens_per_second": 1600.0, "cache_hit_rate": 0.1667}
                """));
        sections.set("execute.outcomes", json("""
                {"samples": {"passed": 70, "test_failed": 20, "timeout": 6, "not_code": 4},
                 "sandbox_seconds": 192.0, "sandbox_runs": 96}
                """));
        sections.set("stage.expansion", json("""
                {"input_rows": 40, "input_rows_with_output": 40, "output_rows": 130}
                """));
        ArrayNode records = ManifestJson.MAPPER.createArrayNode();
        records.add(json("{\"id\": \"seed-cccccccccccccccc\", \"type\": \"seed\", \"title\": \"seed from a book\", "
                + "\"text\": \"The keeper counted the ships.\", \"fields\": {\"educational_value\": \"0.8\"}, "
                + "\"parents\": [\"" + documentId + "\"]}"));
        records.add(json("{\"id\": \"call-dddddddddddddddd\", \"type\": \"teacher_call\", \"title\": \"teacher-large\", "
                + "\"fields\": {\"model\": \"teacher-large\", \"prompt_tokens\": \"412\"}, \"parents\": []}"));
        records.add(json("{\"id\": \"sample-eeeeeeeeeeeeeeee\", \"type\": \"synthetic_sample\", \"title\": "
                + "\"self_revision sample\", \"text\": \"Q: How many ships? A: Twelve.\", \"parents\": "
                + "[\"seed-cccccccccccccccc\", \"call-dddddddddddddddd\"]}"));
        sections.set("lineage.records", records);
        sections.set("future.unknown_section", json("{\"answer\": 42}"));
        Files.createDirectories(run.resolve("04-later"));
        Files.writeString(run.resolve("04-later/_manifest.json"), ManifestJson.MAPPER.writeValueAsString(manifest));
        ObjectNode index = (ObjectNode) ManifestJson.MAPPER.readTree(run.resolve("_run.json").toFile());
        ((ArrayNode) index.get("stages")).addObject().put("index", 4).put("name", "later").put("type", "later")
                .put("dir", "04-later").put("status", "done");
        Files.writeString(run.resolve("_run.json"), ManifestJson.MAPPER.writeValueAsString(index));
    }

    /**
     * A small real run of the synthetic stages, once per JVM: documents (a web page of two passages, the opening of
     * tinyshakespeare, two GSM8K questions) → seed → textbook (textbook_section: planner, writer and one round of
     * self-revision, by {@link #scriptedTeacher} over real HTTP). Returns the run folder.
     */
    static synchronized Path synthRun(SparkSession spark) {
        if (synthRun == null) {
            try (FaultyEndpoint teacher = new FaultyEndpoint().answerWith(ReportFixtures::scriptedTeacher)) {
                Path dir = Files.createTempDirectory("phi4j-report-synth");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                Path documents = dir.resolve("documents");
                SparkRecords.dataFrame(spark, Document.class, synthInput()).write().parquet(documents.toString());
                TeacherConfig scripted = new TeacherConfig("scripted-teacher", teacher.baseUrl(), "scripted-model",
                        Optional.empty(), 4, 0, 30, 2, 0, 0, 1.0, 2.0);
                String templates = TestSpark.root().resolve("configs/synth").toString();
                List<StageConfig> stages = List.of(
                        new DocumentsFixture("documents", documents.toString()),
                        new SeedConfig(Optional.empty(), List.of(), 100, 800, 2, 0.0, List.of("because"),
                                List.of("login"), SeedConfig.Scorer.HEURISTIC, Optional.empty()),
                        new SynthConfig(Optional.of("textbook"), List.of("seed"), "textbook_section", templates,
                                List.of(scripted), dir.resolve("cache").toString(), new Sampling(0.7, 1.0, 256), 0));
                new Pipeline(new RunConfig("synth", dir.resolve("runs").toString(), 7),
                        new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of()), new StageOutputConfig(true, 3),
                        stages.stream().map(Pipeline.Step::of).toList(), new PrintStream(new ByteArrayOutputStream()))
                        .run(spark, "# report test\n");
                synthRun = dir.resolve("runs/synth");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return synthRun;
    }

    private static Path synthRun;

    /** A teacher deterministic in the request: plans, drafts, critiques scoring 5.5 then 8.5, revisions. */
    static String scriptedTeacher(JsonNode request) {
        JsonNode messages = request.path("messages");
        String prompt = messages.path(messages.size() - 1).path("content").asText();
        long seed = Math.floorMod(request.path("seed").asLong(), 1000);
        if (prompt.startsWith("Critique")) {
            return prompt.contains("Revised") ? "reasoning: 9/10\nfactual accuracy: 8/10"
                    : "reasoning: 5/10\nfactual accuracy: 6/10\nFix: justify each step.";
        }
        if (prompt.startsWith("Rewrite the textbook section")) {
            return "Revised section " + seed + ": every step of the water cycle justified.";
        }
        if (prompt.startsWith("Plan")) {
            return "1. evaporation\n2. condensation\n3. precipitation (plan " + seed + ")";
        }
        return "Draft section " + seed + " about the passage.";
    }

    private static List<Document> synthInput() throws IOException {
        List<Document> docs = new ArrayList<>();
        String page = ("The water cycle describes how water moves because the sun heats the oceans. Therefore water "
                + "evaporates, condenses into clouds and falls as rain, for example over mountains. ").repeat(4);
        docs.add(Document.of("web", SourceClass.WEB, "page.html", page + "\n\n" + page.replace("water", "Water"),
                Map.of(), List.of()));
        String book = Files.readString(TestSpark.shared("tinyshakespeare/input.txt")).substring(0, 1500);
        docs.add(Document.of("shakespeare", SourceClass.BOOKS, "input.txt", book, Map.of(), List.of()));
        ObjectMapper json = new ObjectMapper();
        List<String> gsm8k = Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl")).subList(0, 2);
        for (int i = 0; i < gsm8k.size(); i++) {
            JsonNode item = json.readTree(gsm8k.get(i));
            docs.add(Document.of("gsm8k", SourceClass.QA, "train.jsonl#line=" + (i + 1),
                    item.get("question").asText(), Map.of("answer", item.get("answer").asText()), List.of()));
        }
        return docs;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at JVM exit: the folder is under the system temp directory
        }
    }

    static JsonNode json(String text) {
        try {
            return ManifestJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
