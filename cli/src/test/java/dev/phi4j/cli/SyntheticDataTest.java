package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.serve.OpenAiServer;
import dev.phi4j.trainer.serve.ServeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The synthetic-data stages end to end through {@code phi4j pipeline run}, with a real {@code phi4j serve} server
 * (an untrained tiny model, 1,024-token context) as the teacher, reached through the same client a user points at a
 * hosted model. The model's text is noise, so most generations fail validation; what is checked is the plumbing:
 * every record generated or dropped with a reason, lineage on every sample, usage counted, and a re-run served
 * entirely from the response cache with the same rows.
 */
class SyntheticDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHARED = Path.of(System.getProperty("phi4j.shared", "../../shared"), "datasets");

    @TempDir
    static Path dir;

    private static OpenAiServer server;

    @BeforeAll
    static void serveATinyModel() throws IOException {
        Path checkpoint = dir.resolve("teacher");
        TinyCheckpoint.write(checkpoint, ModelPresets.TINY.withContext(1024, 10_000));
        InferenceModel loaded = InferenceModel.load(checkpoint, true);
        server = OpenAiServer.start(loaded.model(), loaded.tokenizer(), ServeConfig.defaults("phi4j-tiny").withPort(0));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Path writeInputs() throws IOException {
        Path inputs = Files.createDirectories(dir.resolve("inputs"));
        Files.write(inputs.resolve("gsm8k.jsonl"), Files.readAllLines(SHARED.resolve("gsm8k/train.jsonl")).subList(0, 12));
        List<String> problems = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(SHARED.resolve("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (int i = 0; i < 3; i++) {
                problems.add(lines.readLine());
            }
        }
        Files.write(inputs.resolve("problems.jsonl"), problems);
        return inputs;
    }

    private static Path writeConfig(Path inputs) throws IOException {
        String teachers = """
                    teachers:
                      - name: local
                        base_url: %s/v1
                        model: phi4j-tiny
                        max_concurrency: 4
                        timeout_seconds: 120
                    sampling: {temperature: 0.8, max_tokens: 12}
                """.formatted(server.baseUri().toString().replaceAll("/$", ""));
        String config = """
                run:
                  name: synth
                  output_dir: %s
                spark:
                  master: local[2]
                  shuffle_partitions: 2
                  output_partitions: 2
                stages:
                  - stage: ingest
                    sources:
                      - format: jsonl
                        name: gsm8k-train
                        source_class: qa
                        paths: [%s]
                        text_fields: [question]
                        metadata_fields: [answer]
                      - format: wet
                        name: cc-wet
                        paths: [%s]
                      - format: jsonl
                        name: humaneval
                        source_class: code
                        paths: [%s]
                        text_fields: [prompt, canonical_solution]
                        separator: ""
                        metadata_fields: [test, entry_point]
                  - stage: seed
                    min_chars: 100
                    max_chars: 700
                    max_seeds_per_document: 2
                    min_educational_value: 0
                  - stage: synthesize
                    name: textbook
                    input: [seed]
                    template: textbook_section
                    templates_dir: %s
                    cache_dir: %s
                    limit: 2
                %s
                  - stage: synthesize
                    name: questions
                    input: [seed]
                    template: question_as_is
                    templates_dir: %s
                    limit: 3
                  - stage: plurality
                    input: [questions]
                    cache_dir: %s
                    answers: 3
                %s
                  - stage: synthesize
                    name: reversal
                    input: [seed]
                    template: instruction_reversal
                    templates_dir: %s
                    cache_dir: %s
                    limit: 2
                %s
                  - stage: execute
                    input: [reversal]
                  - stage: synthesize
                    name: rewrite
                    input: [seed]
                    template: web_rewrite_qa
                    templates_dir: %s
                    cache_dir: %s
                    limit: 1
                %s
                  - stage: synth_documents
                    input: [textbook, plurality, execute, rewrite]
                  - stage: dedup
                    name: dedup_synth
                """.formatted(dir.resolve("runs"), inputs.resolve("gsm8k.jsonl"),
                SHARED.resolve("commoncrawl/whirlwind.warc.wet.gz"), inputs.resolve("problems.jsonl"),
                templates(), cache(), teachers, templates(), cache(), teachers, templates(), cache(), teachers,
                templates(), cache(), teachers);
        Path file = dir.resolve("synth.yaml");
        Files.writeString(file, config);
        return file;
    }

    private static String templates() {
        return TinyCheckpoint.ROOT.resolve("configs/synth").toAbsolutePath().toString();
    }

    private static String cache() {
        return dir.resolve("teacher-cache").toString();
    }

    private static Map<String, JsonNode> manifests(Path run) throws IOException {
        Map<String, JsonNode> byName = new TreeMap<>();
        try (Stream<Path> stages = Files.list(run)) {
            for (Path stage : stages.filter(p -> Files.exists(p.resolve("_manifest.json"))).toList()) {
                JsonNode manifest = JSON.readTree(stage.resolve("_manifest.json").toFile());
                byName.put(manifest.path("stage").path("name").asText(), manifest);
            }
        }
        return byName;
    }

    @Test
    void synthesisAgainstPhi4jServeAccountsForEveryRecordAndARerunIsServedFromTheCache() throws IOException {
        Path config = writeConfig(writeInputs());

        CliRun.Result first = CliRun.run("pipeline", "run", config.toString());

        assertEquals(0, first.exitCode(), first.err() + "\n" + Files.readString(config));
        Map<String, JsonNode> stages = manifests(dir.resolve("runs/synth"));
        assertEquals(List.of("dedup_synth", "execute", "ingest", "plurality", "questions", "reversal", "rewrite", "seed",
                "synth_documents", "textbook"), List.copyOf(stages.keySet()));
        long requests = 0;
        StringBuilder summary = new StringBuilder();
        for (JsonNode manifest : stages.values()) {
            summary.append('\n').append(manifest.path("stage").path("name").asText()).append(' ')
                    .append(manifest.path("counts")).append(' ').append(manifest.path("sections").path("teacher.usage"));
            assertTrue(manifest.path("invariant").path("holds").asBoolean(), manifest.path("invariant").toString());
            JsonNode usage = manifest.path("sections").path("teacher.usage");
            if (!usage.isMissingNode()) {
                requests += usage.path("requests").asLong();
                assertEquals(0.0, usage.path("cache_hit_rate").asDouble(), "a first run finds nothing cached");
            }
        }
        assertTrue(requests >= 2 + 3 * 3 + 2 + 1, "each generated seed asked the server at least once, each question "
                + "three times: " + requests + summary);
        for (String name : List.of("textbook", "reversal", "rewrite")) {
            JsonNode counts = stages.get(name).path("counts");
            long applicable = counts.path("in").asLong() - counts.path("dropped_by_reason").path("not_applicable").asLong();
            long generated = applicable - counts.path("dropped_by_reason").path("over_limit").asLong();
            assertTrue(applicable > 0, name + " found seeds it applies to: " + counts);
            assertEquals(Math.min(applicable, name.equals("rewrite") ? 1 : 2), generated, name + ": " + counts);
            counts.path("dropped_by_reason").fieldNames().forEachRemaining(reason -> assertTrue(
                    List.of("not_applicable", "over_limit", "truncated", "empty_response").contains(reason)
                            || reason.startsWith("teacher_"), name + " dropped for an unexpected reason: " + reason));
        }
        assertEquals(stages.get("reversal").path("counts").path("kept"), stages.get("execute").path("counts").path("in"),
                "execution validates what reversal kept (an untrained model's answers end at max_tokens: truncated)");
        assertTrue(stages.get("plurality").path("sections").has("plurality.agreement"));

        CliRun.Result again = CliRun.run("pipeline", "run", config.toString(), "--set", "run.name=again");

        assertEquals(0, again.exitCode(), again.err());
        Map<String, JsonNode> rerun = manifests(dir.resolve("runs/again"));
        for (String name : List.of("textbook", "plurality", "reversal", "rewrite")) {
            JsonNode usage = rerun.get(name).path("sections").path("teacher.usage");
            long failedBefore = 0;
            for (JsonNode teacher : stages.get(name).path("sections").path("teacher.usage").path("models")) {
                failedBefore += teacher.path("failed_calls").asLong();
            }
            assertEquals(failedBefore, usage.path("requests").asLong(),
                    name + " asks again only what failed before (failures are not cached)");
            assertEquals(1.0, usage.path("cache_hit_rate").asDouble(), name + ": every answer came from the cache");
        }
        for (String name : stages.keySet()) {
            assertEquals(stages.get(name).path("outputs").path("kept").path("fingerprint"),
                    rerun.get(name).path("outputs").path("kept").path("fingerprint"), name);
        }
    }
}
