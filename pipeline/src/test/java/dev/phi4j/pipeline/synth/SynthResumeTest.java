package dev.phi4j.pipeline.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.PipelineConfig;
import dev.phi4j.pipeline.PipelineMain;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.teacher.FaultyEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A pipeline process killed (SIGKILL) in the middle of a generation stage, then run again: the re-run finishes, asks
 * only what the response cache does not hold, and writes the same rows as a run that was never interrupted.
 */
class SynthResumeTest {

    private static final int QUESTIONS = 40;

    @TempDir
    Path dir;

    private FaultyEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        endpoint = new FaultyEndpoint().answerDelayMillis(100).answerWith(request -> {
            JsonNode messages = request.path("messages");
            return "Step by step, about: " + messages.path(messages.size() - 1).path("content").asText()
                    .substring(0, 20) + "\nAnswer: " + Math.floorMod(request.path("seed").asLong(), 50);
        });
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private Path config(String run, Path cache) throws IOException {
        Path questions = dir.resolve("questions.jsonl");
        if (!Files.exists(questions)) {
            Files.write(questions, Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl")).subList(0, QUESTIONS));
        }
        Path file = dir.resolve(run + ".yaml");
        Files.writeString(file, """
                run: {name: %s, output_dir: %s}
                spark: {master: "local[2]", shuffle_partitions: 2, output_partitions: 2}
                stages:
                  - stage: ingest
                    sources:
                      - {format: jsonl, name: gsm8k, source_class: qa, paths: [%s], text_fields: [question],
                         metadata_fields: [answer]}
                  - stage: seed
                    min_chars: 20
                  - stage: synthesize
                    template: step_by_step_qa
                    templates_dir: %s
                    cache_dir: %s
                    teachers:
                      - {name: local, base_url: "%s", model: scripted, max_concurrency: 1, timeout_seconds: 30}
                """.formatted(run, dir.resolve("runs"), questions, TestSpark.root().resolve("configs/synth"),
                cache, endpoint.baseUrl()));
        return file;
    }

    private static long entries(Path cache) throws IOException {
        if (!Files.exists(cache)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    private Process launch(Path config) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("--add-opens") || arg.startsWith("--add-exports")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineMain.class.getName(), "run",
                config.toString()));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.log").toFile()).start();
    }

    private List<Pipeline.Outcome> runHere(Path config) {
        PipelineConfig loaded = PipelineConfig.load(config, List.of()).config();
        return Pipeline.of(loaded, new PrintStream(new ByteArrayOutputStream())).run(TestSpark.session(), "# test\n");
    }

    private static JsonNode synthManifest(List<Pipeline.Outcome> outcomes) throws IOException {
        return new ObjectMapper().valueToTree(outcomes.get(2).manifest());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRunKilledMidStageResumesFromTheCacheAndWritesWhatAnUninterruptedRunWrites() throws Exception {
        Path cache = dir.resolve("cache");
        Path config = config("killed", cache);

        Process process = launch(config);
        while (entries(cache) < QUESTIONS / 4 && process.isAlive()) {
            Thread.sleep(50);
        }
        assertTrue(process.isAlive(), "the stage finished before it could be killed: "
                + Files.readString(dir.resolve("killed.log")));
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        long cachedAtKill = entries(cache);
        assertTrue(cachedAtKill < QUESTIONS, "killed mid-stage: " + cachedAtKill + " answers cached");
        assertFalse(Files.exists(dir.resolve("runs/killed/02-synthesize/_manifest.json")), "the stage did not finish");

        int before = endpoint.requests();
        List<Pipeline.Outcome> resumed = runHere(config);
        int resumedRequests = endpoint.requests() - before;
        List<Pipeline.Outcome> reference = runHere(config("reference", dir.resolve("fresh-cache")));
        int referenceRequests = endpoint.requests() - before - resumedRequests;

        assertTrue(resumed.get(0).reused() && resumed.get(1).reused(), "finished stages are not run again");
        assertEquals(QUESTIONS, referenceRequests);
        assertTrue(resumedRequests <= QUESTIONS - cachedAtKill, "the resumed run asked " + resumedRequests
                + " with " + cachedAtKill + " of " + QUESTIONS + " answers cached");
        JsonNode a = synthManifest(resumed);
        JsonNode b = synthManifest(reference);
        for (String output : List.of("kept", "dropped")) {
            assertEquals(b.path("outputs").path(output).path("fingerprint"), a.path("outputs").path(output)
                    .path("fingerprint"), output + ": the same rows");
            assertEquals(b.path("outputs").path(output).path("rows"), a.path("outputs").path(output).path("rows"));
        }
        assertEquals(b.path("counts"), a.path("counts"));
        assertTrue(a.path("invariant").path("holds").asBoolean());
    }
}
