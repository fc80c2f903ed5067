package dev.phi4j.trainer.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.TokenizerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A small BPE tokenizer trained on the bundled sample books, and model shapes small enough for many steps; shared with
 * the trainer-spark tests through this module's test jar.
 */
public final class TrainFixtures {

    public static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();
    public static final List<Path> BOOKS = List.of(
            ROOT.resolve("datasets/sample/books/the-lighthouse-keepers-ledger.txt"),
            ROOT.resolve("datasets/sample/books/notes-on-counting.txt"));
    public static final int VOCAB = 300;

    /** vocab 300, d_model 16, 2 layers, 4 heads sharing 2 kv heads, ffn 32, context 16. */
    public static final ModelConfig MODEL = new ModelConfig(VOCAB, 16, 2, 4, 2, 32, 16, 10_000, 1e-5);

    private static final JsonMapper RELAXED_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES).enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();

    private static BpeTokenizer tokenizer;

    private TrainFixtures() {}

    /** A trainer config from relaxed JSON, e.g. {@code {max_steps: 6, schedule: {warmup_steps: 2}}}; defaults fill the rest. */
    public static TrainerConfig trainer(String json) {
        try {
            return ConfigJson.fromJson(RELAXED_JSON.readTree(json), TrainerConfig.class, "test");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The sample books packed for {@link #MODEL} (context 16) into {@code dir}, 10% held out. */
    public static ShardSet packedBooks(Path dir) {
        try {
            return TextPacker.pack(BOOKS, TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.1, tokenizer(),
                    MODEL.contextLength(), dir).shards();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Trainer.Run run(Path dir, TrainerConfig trainer) {
        return new Trainer.Run(dir, 42, MODEL, tokenizer(), tokenizerIn(dir), trainer);
    }

    /** The "step" lines of a run's metrics.jsonl, in order. */
    public static List<JsonNode> steps(Path runDir) {
        return events(runDir, "step");
    }

    public static List<JsonNode> events(Path runDir, String event) {
        try {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(runDir.resolve(MetricsLog.FILE))) {
                JsonNode node = RELAXED_JSON.readTree(line);
                if (node.path("event").asText().equals(event)) {
                    lines.add(node);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tokenizer's config, its file written into {@code dir}. */
    public static TokenizerConfig tokenizerIn(Path dir) {
        Path file = dir.resolve("tokenizer.bpe");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                tokenizer().save(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(file), VOCAB, List.of());
    }

    public static synchronized BpeTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = new BpeTrainer(BpeTrainer.Settings.of(VOCAB)).train(BOOKS, done -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    /**
     * The step and eval lines of run {@code actual} match run {@code expected}'s: each step's loss and gradient norm
     * and each validation loss within {@code tolerance}; prints the largest loss difference.
     */
    public static void assertSameLosses(Path expected, Path actual, int steps, double tolerance) {
        List<JsonNode> want = events(expected, "step");
        List<JsonNode> got = events(actual, "step");
        assertEquals(steps, want.size());
        assertEquals(steps, got.size(), "metrics.jsonl of " + actual.getFileName() + " reads like one run");
        double worst = 0;
        for (int i = 0; i < steps; i++) {
            assertEquals(want.get(i).get("step").asLong(), got.get(i).get("step").asLong());
            double loss = want.get(i).get("loss").asDouble();
            assertEquals(loss, got.get(i).get("loss").asDouble(), tolerance, "loss at step " + (i + 1));
            assertEquals(want.get(i).get("grad_norm").asDouble(), got.get(i).get("grad_norm").asDouble(), tolerance,
                    "gradient norm at step " + (i + 1));
            worst = Math.max(worst, Math.abs(loss - got.get(i).get("loss").asDouble()));
        }
        List<JsonNode> wantEval = events(expected, "eval");
        List<JsonNode> gotEval = events(actual, "eval");
        assertEquals(wantEval.size(), gotEval.size());
        for (int i = 0; i < wantEval.size(); i++) {
            assertEquals(wantEval.get(i).get("val_loss").asDouble(), gotEval.get(i).get("val_loss").asDouble(),
                    tolerance, "validation loss at step " + wantEval.get(i).get("step"));
        }
        System.out.printf("%s vs %s: largest |Δloss| over %d steps %.3g%n", actual.getFileName(),
                expected.getFileName(), steps, worst);
    }
}
