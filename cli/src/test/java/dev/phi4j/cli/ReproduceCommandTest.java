package dev.phi4j.cli;

import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.phi4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code phi4j reproduce} on the bundled sample data, scaled down: the steps its config lists run in order (pipeline,
 * mixture, report, pretraining and a sample); a second run reuses every step; a run whose last checkpoint was lost
 * continues from the one before and ends with the same loss. Step lists that cannot run are config errors before
 * anything runs.
 */
class ReproduceCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    private static final String EVERY_STEP = String.join("\n",
            "  steps:",
            "    - {step: pipeline, config: PIPELINE}",
            "    - {step: mixture, config: MIXTURE}",
            "    - step: report",
            "    - step: pretrain",
            "    - {step: sample, prompt: The lighthouse keeper, max_tokens: 8}");

    @Test
    void runsEveryListedStepAndContinuesAfterALostCheckpoint(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir, EVERY_STEP);

        CliRun.Result first = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, first.exitCode(), first.out() + first.err());
        for (String step : List.of("[1/7] config", "[2/7] tokenizer", "[3/7] pipeline", "[4/7] mixture",
                "[5/7] report", "[6/7] pretrain", "[7/7] sample")) {
            assertTrue(first.out().contains(step), step + " in " + first.out());
        }
        assertTrue(first.out().contains("every record accounted for"), first.out());
        assertTrue(first.out().contains("done: step 4 of 4"), first.out());
        Path run = dir.resolve("runs/repro");
        Path pipelineRun = dir.resolve("runs/data");
        Path shards = pipelineRun.resolve("mixtures/pretrain/shards");
        assertTrue(Files.isRegularFile(pipelineRun.resolve("report.html")));
        assertTrue(first.out().contains("data       " + shards + " (mixture set pretrain)"), first.out());
        assertEquals(TokenizerFingerprint.of(BpeTokenizer.load(dir.resolve("tokenizer.bpe"))),
                ShardSet.open(shards).manifest().tokenizerFingerprint(), "the mixture is encoded with the recipe's tokenizer");
        assertTrue(first.out().contains("The lighthouse keeper"), "the sample continues the prompt: " + first.out());
        assertFalse(first.out().contains("(ETA "), "a first run has no step times to go by: " + first.out());
        assertTrue(first.out().contains("pretrain took ") && first.out().contains("wall time per step"), first.out());
        String finalLoss = lastStepLine(run.resolve("metrics.jsonl"));

        CliRun.Result again = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("(3 stage(s) reused)"), again.out());
        assertTrue(again.out().contains("up to date, reusing"), again.out());
        assertTrue(again.out().contains("reusing the finished run (step 4)"), again.out());
        assertFalse(again.out().contains("done: step"), "nothing is trained again: " + again.out());
        assertTrue(again.out().lines().anyMatch(line -> line.startsWith("[6/7] pretrain") && line.contains("(ETA ")),
                "the second run knows the first run's step times: " + again.out());
        String times = Files.readString(run.resolve(StepTimes.FILE));
        for (String step : List.of("tokenizer", "pipeline", "mixture", "report", "pretrain", "sample")) {
            assertTrue(times.contains("\"step\" : \"" + step + "\""), step + " in " + times);
        }

        Path checkpoints = run.resolve("checkpoints");
        deleteTree(checkpoints.resolve("step-00000004"));
        Files.writeString(checkpoints.resolve("LATEST"), "step-00000002\n");
        CliRun.Result resumed = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.out().contains("from step 2"), resumed.out());
        assertEquals(finalLoss, lastStepLine(run.resolve("metrics.jsonl")),
                "the continued run's last step equals the uninterrupted one");
    }

    @Test
    void theStepListDecidesWhatRuns(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir, "  steps: [{step: pretrain}]");

        CliRun.Result result = run("reproduce", config.toString(), "--set",
                "trainer.data.text_files=[" + ROOT.resolve("datasets/sample/books/notes-on-counting.txt") + "]");
        assertEquals(ExitCodes.OK, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("[1/3] config"), result.out());
        assertTrue(result.out().contains("[3/3] pretrain"), result.out());
        assertTrue(result.out().contains("done: step 4 of 4"), result.out());
        for (String absent : List.of("pipeline", "mixture", "report", "sample")) {
            assertFalse(result.out().contains("] " + absent), absent + " is not listed: " + result.out());
        }
        assertFalse(Files.exists(dir.resolve("runs/data")), "no pipeline run");
    }

    @Test
    void aLaterPhaseTrainsFromTheModelBeforeItAndEvalComparesEveryPhase(@TempDir Path dir) throws IOException {
        String books = "[" + ROOT.resolve("datasets/sample/books/notes-on-counting.txt") + "]";
        Path config = writeConfigs(dir, String.join("\n",
                "  steps:",
                "    - step: pretrain",
                "    - {step: train, config: PHASE, set: [trainer.max_steps=2]}",
                "    - {step: eval, args: [--tasks, mc, --mc-file, " + ROOT.resolve("datasets/eval/mc-sample.jsonl")
                        + ", --limit, '2']}",
                "    - step: run-report"));
        Path phase = dir.resolve("phase.yaml");
        Files.writeString(phase, String.join("\n",
                "extends: " + config,
                "run: {name: repro-phase}",
                "trainer: {max_steps: 6, data: {text_files: " + books + "}, checkpoint: {interval: 2, keep_last: 1}}",
                ""));
        Files.writeString(config, Files.readString(config).replace("PHASE", phase.toString()));

        CliRun.Result result = run("reproduce", config.toString(), "--set", "trainer.data.text_files=" + books);
        assertEquals(ExitCodes.OK, result.exitCode(), result.out() + result.err());
        Path pretrained = dir.resolve("runs/repro/checkpoints/step-00000004");
        assertTrue(result.out().contains("[4/6] train      " + phase + ": from the weights of " + pretrained)
                && result.out().contains(", 2 steps"), result.out());
        String resolved = Files.readString(dir.resolve("runs/repro-phase/config.yaml"));
        assertTrue(resolved.contains("init_from: " + pretrained), "the phase starts from the model before: " + resolved);
        String report = Files.readString(dir.resolve("runs/repro-phase/report.md"));
        assertTrue(report.contains("## Evaluation across checkpoints") && report.contains("| repro | repro-phase |"),
                report);
        assertTrue(result.out().contains("[6/6] run-report 2 phase(s): repro → repro-phase"), result.out());
        String runReport = Files.readString(dir.resolve("runs/repro-phase/run-report.html"));
        assertTrue(runReport.contains("repro-phase") && runReport.contains("<svg"), "loss curves of both phases");

        CliRun.Result again = run("reproduce", config.toString(), "--set", "trainer.data.text_files=" + books);
        assertEquals(ExitCodes.OK, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("reusing the finished run (step 2)"), again.out());
    }

    @Test
    void aTeacherStepServesItsModelToTheSynthesisStagesUntilTheRecipeEnds(@TempDir Path dir) throws IOException {
        int port = freePort();
        Path config = writeConfigs(dir, String.join("\n",
                "  steps:",
                "    - {step: teacher, config: TEACHER, port: " + port + "}",
                "    - {step: pipeline, config: PIPELINE}"));
        Path teacher = dir.resolve("teacher.yaml");
        String books = "[" + ROOT.resolve("datasets/sample/books/notes-on-counting.txt") + ", "
                + ROOT.resolve("datasets/sample/books/the-lighthouse-keepers-ledger.txt") + "]";
        Files.writeString(teacher, String.join("\n",
                "extends: " + config,
                "run: {name: teacher}",
                "model: {preset: tiny, vocab_size: 300, context_length: 1024}",
                "trainer: {max_steps: 2, micro_batch_size: 1, global_batch_tokens: 1024, data: {text_files: " + books
                        + "}, checkpoint: {interval: 2, keep_last: 1}, eval: {interval: 2, batches: 1}}",
                ""));
        Files.writeString(config, Files.readString(config).replace("TEACHER", teacher.toString()));
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, Files.readString(pipeline) + String.join("\n",
                "  - {stage: seed, min_chars: 100, max_chars: 300, max_seeds_per_document: 1, min_educational_value: 0}",
                "  - stage: synthesize",
                "    name: textbook",
                "    template: textbook_section",
                "    templates_dir: " + ROOT.resolve("configs/synth"),
                "    cache_dir: " + dir.resolve("teacher-cache"),
                "    limit: 1",
                "    teachers: [{name: local, base_url: \"http://127.0.0.1:" + port + "/v1\", model: teacher}]",
                "    sampling: {temperature: 0.8, max_tokens: 8}",
                ""));

        CliRun.Result result = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("[3/4] teacher    " + teacher + ": training the teacher, 2 steps"),
                result.out());
        assertTrue(result.out().contains("serving   `teacher` at http://127.0.0.1:" + port + "/v1"), result.out());
        Path textbook;
        try (Stream<Path> stages = Files.list(dir.resolve("runs/data"))) {
            textbook = stages.filter(stage -> stage.getFileName().toString().endsWith("-textbook")).findFirst()
                    .orElseThrow();
        }
        String manifest = Files.readString(textbook.resolve("_manifest.json"));
        assertTrue(manifest.matches("(?s).*\"calls\"\\s*:\\s*[1-9].*"),
                "the synthesis stage called the served teacher: " + manifest);
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the teacher stopped with the recipe");
        }

        CliRun.Result rerun = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, rerun.exitCode(), rerun.out() + rerun.err());
        assertTrue(rerun.out().contains("reusing the finished run (step 2)"), rerun.out());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void anUnknownStepIsAConfigErrorNamingItsLine(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir, String.join("\n",
                "  steps:",
                "    - step: pretrain",
                "    - step: midtrain"));
        CliRun.Result result = run("reproduce", config.toString());
        assertEquals(ExitCodes.USAGE, result.exitCode(), result.out());
        assertTrue(result.err().contains(config + ":15:"), "the file and line: " + result.err());
        assertTrue(result.err().contains("reproduce.steps[1].step: unknown step 'midtrain'; expects "
                + "pipeline | mixture | report | pretrain | sample"), result.err());

        Files.writeString(config, Files.readString(config).replace("step: midtrain", "step: sample\n      promt: x"));
        CliRun.Result misspelt = run("reproduce", config.toString());
        assertEquals(ExitCodes.USAGE, misspelt.exitCode(), misspelt.out());
        assertTrue(misspelt.err().contains(config + ":16:"), "the file and line: " + misspelt.err());
        assertTrue(misspelt.err().contains("reproduce.steps[1].promt: unknown key (did you mean 'prompt'?)"),
                misspelt.err());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @Test
    void aStepWhoseInputNoEarlierStepMakesIsRejectedBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir, String.join("\n",
                "  steps:",
                "    - {step: mixture, config: MIXTURE}",
                "    - step: pretrain"));
        CliRun.Result result = run("reproduce", config.toString());
        assertEquals(ExitCodes.USAGE, result.exitCode(), result.out());
        assertTrue(result.err().contains(config + ":14:"), "the file and line: " + result.err());
        assertTrue(result.err().contains("reproduce.steps[0].step: mixture reads what a pipeline step makes, and none "
                + "comes before it"), result.err());

        CliRun.Result sampleFirst = run("reproduce", config.toString(), "--set",
                "reproduce.steps=[{step: sample}, {step: pretrain}]");
        assertEquals(ExitCodes.USAGE, sampleFirst.exitCode(), sampleFirst.out());
        assertTrue(sampleFirst.err().contains("reproduce.steps[0].step: sample reads what a pretrain step makes"),
                sampleFirst.err());
        assertFalse(Files.exists(dir.resolve("runs")), "nothing ran");
    }

    @Test
    void aMixtureConfigNamingItsOwnTokenizerIsRejected(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir, EVERY_STEP);
        Path mixture = dir.resolve("mixture.yaml");
        Files.writeString(mixture, Files.readString(mixture) + "tokenizer: {kind: bpe, path: other.bpe}\n");
        CliRun.Result result = run("reproduce", config.toString());
        assertEquals(ExitCodes.USAGE, result.exitCode(), result.out());
        assertTrue(result.err().contains(mixture + ":5:"), "the file and line: " + result.err());
        assertTrue(result.err().contains("tokenizer.kind: the tokenizer is the one " + config + " configures"),
                result.err());
        assertFalse(result.out().contains("[4/7] mixture"), result.out());
    }

    /**
     * A reproduce config on the sample books, Q&A and code whose {@code reproduce:} section is {@code steps} (with
     * PIPELINE and MIXTURE standing for the pipeline and mixture configs written beside it); returns it.
     */
    private static Path writeConfigs(Path dir, String steps) throws IOException {
        Path sample = ROOT.resolve("datasets/sample");
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, String.join("\n",
                "run: {name: data, output_dir: " + dir.resolve("runs") + "}",
                "spark: {master: \"local[2]\", shuffle_partitions: 2, output_partitions: 2}",
                "stages:",
                "  - stage: ingest",
                "    sources:",
                "      - {format: text, name: books, source_class: books, unit: paragraphs, paths: [" + sample.resolve("books") + "]}",
                "      - {format: jsonl, name: forum, source_class: qa, paths: [" + sample.resolve("qa") + "], text_fields: [question, answer]}",
                "      - {format: code, name: repo, paths: [" + sample.resolve("code") + "]}",
                "  - stage: clean",
                "  - stage: dedup",
                ""));
        Path mixture = dir.resolve("mixture.yaml");
        Files.writeString(mixture, String.join("\n",
                "inputs: {default: runs/overridden-by-reproduce/dedup}",
                "spark: {master: \"local[2]\", shuffle_partitions: 2}",
                "sets:",
                "  - {kind: pretrain, seq_len: 32, validation_fraction: 0.1, min_shards: 2}",
                ""));
        Path config = dir.resolve("repro.yaml");
        Files.writeString(config, String.join("\n",
                "extends: " + ROOT.resolve("configs/tiny.yaml"),
                "run: {name: repro, output_dir: " + dir.resolve("runs") + "}",
                "tokenizer: {kind: bpe, path: " + dir.resolve("tokenizer.bpe") + ", vocab_size: 300, train_files: ["
                        + sample.resolve("books/notes-on-counting.txt") + "]}",
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer:",
                "  max_steps: 4",
                "  micro_batch_size: 4",
                "  global_batch_tokens: 128",
                "  schedule: {warmup_steps: 1}",
                "  eval: {interval: 4, batches: 1}",
                "  checkpoint: {interval: 2, keep_last: 2}",
                "reproduce:",
                steps.replace("PIPELINE", pipeline.toString()).replace("MIXTURE", mixture.toString()),
                ""));
        return config;
    }

    private static String lastStepLine(Path metrics) throws IOException {
        List<String> steps = Files.readAllLines(metrics).stream()
                .filter(line -> line.contains("\"event\":\"step\"") && line.contains("\"step\":4,")).toList();
        assertFalse(steps.isEmpty(), "a step-4 line in " + metrics);
        java.util.regex.Matcher lossAndNorm = java.util.regex.Pattern.compile("\"loss\":[^,]+,\"lr\":[^,]+,\"grad_norm\":[^,]+")
                .matcher(steps.get(steps.size() - 1));
        assertTrue(lossAndNorm.find(), steps.get(steps.size() - 1));
        return lossAndNorm.group();
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

}
