package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.pipeline.mixture.MixtureConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.phi4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data path end to end through the commands users run: {@code phi4j pipeline run} on bundled sample data,
 * {@code phi4j mixture build --tokenizer-from} into token shards encoded with the run config's tokenizer,
 * {@code phi4j train --data} on those shards (the trainer checks vocabulary, context length and tokenizer fingerprint
 * before its first step), and {@code phi4j report}.
 */
class MixtureToTrainTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    @Test
    void pipelineRunBecomesShardsThatPhi4jTrainConsumes(@TempDir Path dir) throws IOException {
        Path sample = ROOT.resolve("datasets/sample");
        Path tokenizer = dir.resolve("tokenizer.bpe");
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, String.join("\n",
                "run: {name: e2e, output_dir: " + dir.resolve("runs") + "}",
                "spark: {master: \"local[2]\", shuffle_partitions: 2, output_partitions: 2}",
                "stages:",
                "  - stage: ingest",
                "    sources:",
                "      - {format: text, name: books, source_class: books, unit: paragraphs, paths: [" + sample.resolve("books") + "]}",
                "      - {format: jsonl, name: forum, source_class: qa, paths: [" + sample.resolve("qa") + "], text_fields: [question, answer]}",
                "      - {format: code, name: repo, paths: [" + sample.resolve("code") + "]}",
                ""));
        CliRun.Result piped = run("pipeline", "run", pipeline.toString());
        assertEquals(ExitCodes.OK, piped.exitCode(), piped.out() + piped.err());

        Path train = dir.resolve("train.yaml");
        Files.writeString(train, String.join("\n",
                "extends: " + ROOT.resolve("configs/tiny-pretrain.yaml"),
                "run: {name: trained, output_dir: " + dir + "}",
                "tokenizer: {path: " + tokenizer + ", vocab_size: 300, train_files: ["
                        + sample.resolve("books/notes-on-counting.txt") + "]}",
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer:",
                "  max_steps: 2",
                "  micro_batch_size: 4",
                "  global_batch_tokens: 128",
                "  schedule: {warmup_steps: 1}",
                "  eval: {interval: 2, batches: 1}",
                "  checkpoint: {interval: 2}",
                ""));
        Path mixture = dir.resolve("mixture.yaml");
        Path run = dir.resolve("runs/e2e");
        Files.writeString(mixture, String.join("\n",
                "inputs: {default: " + run.resolve("ingest") + "}",
                "spark: {master: \"local[2]\", shuffle_partitions: 2}",
                "sets:",
                "  - {kind: pretrain, seq_len: 32, validation_fraction: 0.1, min_shards: 2}",
                "  - {kind: sft, seq_len: 512, paths: [" + sample.resolve("sft/conversations.jsonl") + "]}",
                ""));
        CliRun.Result mixed = run("mixture", "build", mixture.toString(), "--tokenizer-from", train.toString());
        assertEquals(ExitCodes.OK, mixed.exitCode(), mixed.out() + mixed.err());
        Path shards = run.resolve("mixtures/pretrain/shards");
        assertTrue(mixed.out().contains("(phi4j train CONFIG --data " + shards + ")"), mixed.out());
        ShardSet set = ShardSet.open(shards);
        assertEquals(TokenizerFingerprint.of(BpeTokenizer.load(tokenizer)), set.manifest().tokenizerFingerprint());
        assertEquals(300, set.manifest().vocabSize());

        CliRun.Result trained = run("train", train.toString(), "--data", shards.toString());
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.out() + trained.err());
        assertTrue(trained.out().contains("done: step 2 of 2"), trained.out());
        assertTrue(trained.out().contains("validation loss"), "the held-out split is evaluated: " + trained.out());

        CliRun.Result wrongContext = run("train", train.toString(), "--data", shards.toString(), "--set",
                "model.context_length=64", "--set", "trainer.global_batch_tokens=256", "--set", "run.name=wrong");
        assertEquals(ExitCodes.USAGE, wrongContext.exitCode(), wrongContext.out());
        assertTrue(wrongContext.err().contains("seq_len 32"), wrongContext.err());

        CliRun.Result reported = run("report", run.toString());
        assertEquals(ExitCodes.OK, reported.exitCode(), reported.err());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("Mixture: target vs realized") && html.contains("SFT set"));
    }

    @Test
    void bundledMixtureConfigIsValid() {
        ConfigLoader.Loaded<MixtureConfig> loaded = MixtureConfig.load(ROOT.resolve("configs/mixture/sample.yaml"),
                List.of());
        MixtureConfig config = loaded.config();
        assertEquals(List.of("pretrain", "midtrain", "sft", "dpo"), config.sets().stream()
                .map(dev.phi4j.pipeline.mixture.MixtureSetConfig::name).toList());
        assertEquals(128, config.sets().get(0).seqLen(), "the tiny model's context length");
        assertEquals("runs/sample/mixtures", config.mixturesDir());
        Path tinyMixture = ROOT.resolve("configs/tiny-mixture.yaml");
        Phi4jConfig train = Phi4jConfig.load(tinyMixture, List.of()).config();
        assertEquals(Path.of(config.mixturesDir(), "pretrain", "shards"), train.trainer().data().shards().orElseThrow(),
                "configs/tiny-mixture.yaml trains on what configs/mixture/sample.yaml writes");
        assertEquals(train.model().contextLength(), config.sets().get(0).seqLen());
        assertEquals(train.tokenizer(), MixtureConfig.withTokenizer(loaded, MixtureConfig.RunTokenizer.of(tinyMixture),
                tinyMixture).tokenizer(), "it names no tokenizer of its own, so it takes the model's");

        Phi4jConfig tiny = Phi4jConfig.load(ROOT.resolve("configs/tiny.yaml"), List.of()).config();
        Phi4jConfig midtrain = Phi4jConfig.load(ROOT.resolve("configs/tiny-midtrain.yaml"), List.of()).config();
        assertEquals(Path.of(config.mixturesDir(), "midtrain", "shards"), midtrain.trainer().data().shards()
                .orElseThrow(), "configs/tiny-midtrain.yaml trains on the mixture's midtraining set");
        assertEquals(midtrain.model().contextLength(), config.sets().get(1).seqLen());
        assertEquals(4 * tiny.model().contextLength(), midtrain.model().contextLength(), "4× the context");
        assertEquals(250_000, midtrain.model().ropeTheta(), "the report's new RoPE base");
        assertEquals(tiny.trainer().optimizer().lr() / 10, midtrain.trainer().optimizer().lr(), 1e-12, "peak lr ÷ 10");
        assertEquals(Path.of("runs", tiny.run().name()), midtrain.trainer().initFrom().orElseThrow());
        assertEquals(tiny.tokenizer(), midtrain.tokenizer(), "init_from needs the same tokenizer");
    }

}
