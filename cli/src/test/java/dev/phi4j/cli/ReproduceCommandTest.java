package dev.phi4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.phi4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code phi4j reproduce} on the bundled sample data, scaled down: pipeline, mixture, report, pretraining and a
 * sample in one command; a second run reuses every stage; a run whose last checkpoint was lost continues from the
 * one before and ends with the same loss.
 */
class ReproduceCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    @Test
    void runsEveryStageAndContinuesAfterALostCheckpoint(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir);

        CliRun.Result first = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, first.exitCode(), first.out() + first.err());
        for (String stage : List.of("[1/7] config", "[2/7] tokenizer", "[3/7] pipeline", "[4/7] mixture",
                "[5/7] report", "[6/7] pretrain", "[7/7] sample")) {
            assertTrue(first.out().contains(stage), stage + " in " + first.out());
        }
        assertTrue(first.out().contains("every record accounted for"), first.out());
        assertTrue(first.out().contains("done: step 4 of 4"), first.out());
        Path run = dir.resolve("runs/repro");
        Path pipelineRun = dir.resolve("runs/data");
        assertTrue(Files.isRegularFile(pipelineRun.resolve("report.html")));
        assertTrue(Files.isRegularFile(pipelineRun.resolve("mixtures/pretrain/shards/manifest.json")));
        assertTrue(first.out().contains("The lighthouse keeper"), "the sample continues the prompt: " + first.out());
        String finalLoss = lastStepLine(run.resolve("metrics.jsonl"));

        CliRun.Result again = run("reproduce", config.toString());
        assertEquals(ExitCodes.OK, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("(3 stage(s) reused)"), again.out());
        assertTrue(again.out().contains("up to date, reusing"), again.out());
        assertTrue(again.out().contains("reusing the finished run (step 4)"), again.out());
        assertFalse(again.out().contains("done: step"), "nothing is trained again: " + again.out());

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
    void aMixtureWithAnotherTokenizerIsRejectedBeforeTraining(@TempDir Path dir) throws IOException {
        Path config = writeConfigs(dir);
        Path mixture = dir.resolve("mixture.yaml");
        Files.writeString(mixture, Files.readString(mixture).replace("vocab_size: 300", "vocab_size: 310"));
        CliRun.Result result = run("reproduce", config.toString());
        assertEquals(ExitCodes.USAGE, result.exitCode(), result.out());
        assertTrue(result.err().contains(mixture + ": its tokenizer section differs"), result.err());
    }

    /** A reproduce config on the sample books, Q&A and code, with its pipeline and mixture configs; returns it. */
    private static Path writeConfigs(Path dir) throws IOException {
        Path sample = ROOT.resolve("datasets/sample");
        String tokenizer = "{kind: bpe, path: " + dir.resolve("tokenizer.bpe") + ", vocab_size: 300, train_files: ["
                + sample.resolve("books/notes-on-counting.txt") + "]}";
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
                "tokenizer: " + tokenizer,
                "spark: {master: \"local[2]\", shuffle_partitions: 2}",
                "sets:",
                "  - {kind: pretrain, seq_len: 32, validation_fraction: 0.1, min_shards: 2}",
                ""));
        Path config = dir.resolve("repro.yaml");
        Files.writeString(config, String.join("\n",
                "extends: " + ROOT.resolve("configs/tiny.yaml"),
                "run: {name: repro, output_dir: " + dir.resolve("runs") + "}",
                "tokenizer: " + tokenizer,
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer:",
                "  max_steps: 4",
                "  micro_batch_size: 4",
                "  global_batch_tokens: 128",
                "  schedule: {warmup_steps: 1}",
                "  eval: {interval: 4, batches: 1}",
                "  checkpoint: {interval: 2, keep_last: 2}",
                "reproduce:",
                "  pipeline: " + pipeline,
                "  mixture: " + mixture,
                "  sample: {prompt: The lighthouse keeper, max_tokens: 8}",
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
