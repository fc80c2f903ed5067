package dev.phi4j.trainer.distributed;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.train.MetricsLog;
import dev.phi4j.trainer.train.TextPacker;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The trainer module's test shapes: a BPE tokenizer of the sample books and a model small enough for many steps. */
final class Fixtures {

    static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();
    static final List<Path> BOOKS = List.of(
            ROOT.resolve("datasets/sample/books/the-lighthouse-keepers-ledger.txt"),
            ROOT.resolve("datasets/sample/books/notes-on-counting.txt"));
    static final int VOCAB = 300;

    /** vocab 300, d_model 16, 2 layers, 4 heads sharing 2 kv heads, ffn 32, context 16. */
    static final ModelConfig MODEL = new ModelConfig(VOCAB, 16, 2, 4, 2, 32, 16, 10_000, 1e-5);

    private static final JsonMapper RELAXED_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES).enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    private static BpeTokenizer tokenizer;

    private Fixtures() {}

    static TrainerConfig trainer(String json) {
        try {
            return ConfigJson.fromJson(RELAXED_JSON.readTree(json), TrainerConfig.class, "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ShardSet packedBooks(Path dir) {
        try {
            return TextPacker.pack(BOOKS, TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.1, tokenizer(),
                    MODEL.contextLength(), dir).shards();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Trainer.Run run(Path dir, TrainerConfig trainer) {
        Path file = dir.resolve("tokenizer.bpe");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dir);
                tokenizer().save(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Trainer.Run(dir, 42, MODEL, tokenizer(), new TokenizerConfig(TokenizerConfig.Kind.BPE,
                Optional.of(file), VOCAB, List.of()), trainer);
    }

    /** The lines of a run's metrics.jsonl with this event, in order. */
    static List<JsonNode> events(Path runDir, String event) {
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

    static synchronized BpeTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = new BpeTrainer(BpeTrainer.Settings.of(VOCAB)).train(BOOKS, done -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }
}
