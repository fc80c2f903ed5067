package dev.phi4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.phi4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code phi4j train} end to end on the bundled books: stop, resume, and what the run directory holds. */
class TrainCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    @Test
    void trainStopsResumesAndLeavesMetricsCheckpointsAndALossCurve(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("e2e.yaml");
        Path books = ROOT.resolve("datasets/sample/books");
        Files.writeString(config, String.join("\n",
                "extends: " + ROOT.resolve("configs/tiny-pretrain.yaml"),
                "run: {name: e2e, output_dir: " + dir + "}",
                "tokenizer:",
                "  path: " + dir.resolve("tokenizer.bpe"),
                "  vocab_size: 300",
                "  train_files: [" + books.resolve("notes-on-counting.txt") + "]",
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer:",
                "  max_steps: 4",
                "  micro_batch_size: 4",
                "  global_batch_tokens: 256",
                "  schedule: {warmup_steps: 1}",
                "  data: {text_files: [" + books.resolve("the-lighthouse-keepers-ledger.txt") + ", "
                        + books.resolve("notes-on-counting.txt") + "]}",
                "  eval: {interval: 2, batches: 1}",
                "  checkpoint: {interval: 2}",
                ""));
        Path run = dir.resolve("e2e");

        CliRun.Result first = run("train", config.toString(), "--stop-after", "2");
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        assertTrue(first.out().contains("[3/4] data       packed 2 file(s)"), first.out());
        assertTrue(first.out().contains("continue with: bin/phi4j train " + config + " --resume"), first.out());

        CliRun.Result again = run("train", config.toString());
        assertEquals(ExitCodes.USAGE, again.exitCode());
        assertTrue(again.err().contains("already has checkpoints (LATEST: step-00000002): pass --resume"), again.err());

        CliRun.Result resumed = run("train", config.toString(), "--resume");
        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resumed from " + run.resolve("checkpoints/step-00000002")), resumed.out());
        assertTrue(resumed.out().contains("(same text and settings as before: reused)"), resumed.out());
        assertTrue(resumed.out().contains("done: step 4 of 4"), resumed.out());

        List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(4, metrics.stream().filter(l -> l.contains("\"event\":\"step\"")).count(), metrics.toString());
        assertEquals(2, metrics.stream().filter(l -> l.contains("\"event\":\"eval\"")).count(), metrics.toString());
        assertTrue(metrics.get(0).contains("\"peak_flops_source\":\"measured: "), metrics.get(0));
        assertEquals("step-00000004", Files.readString(run.resolve("checkpoints/LATEST")).trim());
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-00000004/tokenizer.bpe")));
        String svg = Files.readString(run.resolve("loss-curve.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline") && svg.contains("validation"), svg);
        assertTrue(Files.readString(run.resolve("config.yaml")).contains("max_steps: 4"));
    }

    @Test
    void trainOnSparkOrReplicasLosesWhatOneProcessLosesAndHandsItsCheckpointToOne(@TempDir Path dir) throws IOException {
        Path books = ROOT.resolve("datasets/sample/books");
        Path config = dir.resolve("spark.yaml");
        Files.writeString(config, String.join("\n",
                "extends: " + ROOT.resolve("configs/tiny-pretrain.yaml"),
                "run: {name: one, output_dir: " + dir + "}",
                "tokenizer:",
                "  path: " + dir.resolve("tokenizer.bpe"),
                "  vocab_size: 300",
                "  train_files: [" + books.resolve("notes-on-counting.txt") + "]",
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer:",
                "  max_steps: 4",
                "  micro_batch_size: 2",
                "  global_batch_tokens: 256",
                "  schedule: {warmup_steps: 1}",
                "  data: {text_files: [" + books.resolve("notes-on-counting.txt") + "]}",
                "  eval: {interval: 2, batches: 1}",
                "  checkpoint: {interval: 2}",
                ""));
        CliRun.Result one = run("train", config.toString());
        assertEquals(ExitCodes.OK, one.exitCode(), one.err());

        CliRun.Result spark = run("train", config.toString(), "--set", "run.name=spark", "--spark", "local[2]",
                "--stop-after", "2");
        assertEquals(ExitCodes.OK, spark.exitCode(), spark.err());
        assertTrue(spark.out().contains("gradient sharing over 2 Spark worker(s) on local[2]"), spark.out());
        assertTrue(spark.out().contains("--spark local[2] --resume"), spark.out());
        CliRun.Result resumed = run("train", config.toString(), "--set", "run.name=spark", "--resume");
        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("resumed from " + dir.resolve("spark/checkpoints/step-00000002")),
                resumed.out());

        List<Double> expected = losses(dir.resolve("one"));
        List<Double> actual = losses(dir.resolve("spark"));
        assertEquals(4, expected.size());
        assertEquals(4, actual.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i), actual.get(i), 1e-6, "loss at step " + (i + 1));
        }
        List<String> metrics = Files.readAllLines(dir.resolve("spark/metrics.jsonl"));
        assertEquals(2, metrics.stream().filter(l -> l.contains("\"exchange_s\"")).count(),
                "steps 1-2 on Spark report their exchange time, steps 3-4 in one process do not");

        // parameter averaging from the config; one replica trains exactly what one process trains
        CliRun.Result averaging = run("train", config.toString(), "--set", "run.name=averaging", "--spark",
                "local[1]", "--set", "trainer.distributed.mode=averaging", "--set", "trainer.distributed.workers=1",
                "--set", "trainer.distributed.average_every=3");
        assertEquals(ExitCodes.OK, averaging.exitCode(), averaging.err());
        assertTrue(averaging.out().contains("parameter averaging every 3 step(s) over 1 Spark worker(s) on local[1]"),
                averaging.out());
        List<Double> averaged = losses(dir.resolve("averaging"));
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i), averaged.get(i), 1e-6, "averaging: loss at step " + (i + 1));
        }

        // replicas in this process instead of Spark
        CliRun.Result replicas = run("train", config.toString(), "--set", "run.name=replicas", "--set",
                "trainer.devices=2");
        assertEquals(ExitCodes.OK, replicas.exitCode(), replicas.err());
        assertTrue(replicas.out().contains("gradient sharing over 2 replicas on 1 device(s)"), replicas.out());
        List<Double> replicated = losses(dir.resolve("replicas"));
        for (int i = 0; i < 4; i++) {
            assertEquals(expected.get(i), replicated.get(i), 1e-6, "replicas: loss at step " + (i + 1));
        }
    }

    private static List<Double> losses(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"event\":\"step\""))
                .map(l -> Double.parseDouble(l.replaceAll(".*\"loss\":([-0-9.eE]+).*", "$1"))).toList();
    }

    @Test
    void trainWithoutDataSaysHowToGiveIt(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("nodata.yaml");
        Files.writeString(config, "extends: " + ROOT.resolve("configs/tiny.yaml") + "\nrun: {output_dir: " + dir
                + "}\ntokenizer: {path: " + dir.resolve("t.bpe") + ", vocab_size: 300, train_files: ["
                + ROOT.resolve("datasets/sample/books/notes-on-counting.txt") + "]}\nmodel: {preset: tiny, vocab_size: 300}\n");
        CliRun.Result result = run("train", config.toString());
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("no training data: pass --text FILE or --data SHARD_DIR"), result.err());
    }

    /** Runs phi4j with System.out and System.err captured (the streams are swapped before picocli sees them). */
}
