package dev.phi4j.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.core.tokenizer.Tokenizers;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.phi4j.trainer.checkpoint.CheckpointJson.required;

/**
 * A model checkpoint: what generation, serving, evaluation, export and the next training phase load. One folder
 * (see {@link CheckpointFolders}) holding
 * <pre>
 *   model.json      format, version, step, model config, masking, RoPE (θ, context, layout, positions),
 *                   tokenizer (kind, vocabulary, name, fingerprint, file)
 *   model.zip       DL4J ModelSerializer: configuration and weights, no updater state
 *   tokenizer.bpe   copy of the tokenizer when tokenizer.kind is bpe, so the folder stands alone
 * </pre>
 * A training run's checkpoint folder adds its training state (training.json, optimizer.bin) beside these files,
 * so generation is pointed at the same folder a run resumes from.
 *
 * @param directory       the folder it was read from
 * @param step            the training step the weights were saved at
 * @param net             the decoder, weights restored
 * @param tokenizerConfig the tokenizer as a config; for {@code bpe} its path is the checkpoint's own copy
 */
public record ModelCheckpoint(Path directory, String name, long step, ModelConfig model, PhiDecoder.Masking masking,
                              ComputationGraph net, Tokenizer tokenizer, TokenizerConfig tokenizerConfig) {

    public static final String FORMAT = "phi4j-model";
    public static final int VERSION = 2;
    public static final String JSON_FILE = "model.json";
    public static final String WEIGHTS = "model.zip";
    public static final String TOKENIZER = "tokenizer.bpe";

    /** What a model checkpoint is written from. */
    public record Contents(ComputationGraph net, ModelConfig model, PhiDecoder.Masking masking, Tokenizer tokenizer,
                           TokenizerConfig tokenizerConfig) {}

    /** Writes the files of {@code contents}, saved at training step {@code step}, into {@code folder}. */
    public static void write(Path folder, String name, long step, Contents contents) throws IOException {
        ModelSerializer.writeModel(contents.net(), folder.resolve(WEIGHTS).toFile(), false);
        if (contents.tokenizerConfig().kind() == TokenizerConfig.Kind.BPE) {
            Files.copy(contents.tokenizerConfig().path().orElseThrow(), folder.resolve(TOKENIZER));
        }
        CheckpointJson.write(folder.resolve(JSON_FILE), describe(name, step, contents));
    }

    private static ObjectNode describe(String name, long step, Contents c) {
        ObjectNode root = CheckpointJson.start(FORMAT, VERSION);
        root.put("name", name);
        root.put("step", step);
        root.put("created", Instant.now().toString());
        root.set("model", ConfigJson.toJson(c.model()));
        root.put("masking", c.masking().name().toLowerCase(Locale.ROOT));
        ObjectNode rope = root.putObject("rope");
        rope.put("theta", c.model().ropeTheta());
        rope.put("context_length", c.model().contextLength());
        rope.put("scaling", c.model().ropeScaling().kind().name().toLowerCase(Locale.ROOT));
        rope.put("scaling_factor", c.model().ropeScaling().factor());
        rope.put("layout", "rotate-half");
        rope.put("positions", c.masking() == PhiDecoder.Masking.DOCUMENTS ? "restart at each document" : "0..T-1");
        ObjectNode tokenizer = root.putObject("tokenizer");
        tokenizer.put("kind", c.tokenizerConfig().kind().name().toLowerCase(Locale.ROOT));
        tokenizer.put("vocab_size", c.tokenizer().vocabSize());
        tokenizer.put("name", c.tokenizer().name());
        tokenizer.put("fingerprint", TokenizerFingerprint.of(c.tokenizer()));
        if (c.tokenizerConfig().kind() == TokenizerConfig.Kind.BPE) {
            tokenizer.put("file", TOKENIZER);
        }
        root.putObject("files").put("weights", WEIGHTS);
        return root;
    }

    /**
     * Loads the model checkpoint in a checkpoint folder, a checkpoints directory or a run directory (the last two
     * through LATEST). Errors name the path and what is missing.
     */
    public static ModelCheckpoint load(Path path) {
        return read(path, (dir, root, jsonFile) -> {
            Header header = header(dir, root, jsonFile);
            TokenizerConfig tokenizerConfig = tokenizerConfig(required(root, "tokenizer", jsonFile), dir);
            Tokenizer tokenizer = Tokenizers.open(tokenizerConfig);
            String fingerprint = root.path("tokenizer").path("fingerprint").asText();
            if (!fingerprint.equals(TokenizerFingerprint.of(tokenizer))) {
                throw new IllegalArgumentException(jsonFile + ": the tokenizer found does not match the fingerprint "
                        + "recorded (" + fingerprint + ")");
            }
            Path weights = header.weights();
            if (!Files.isRegularFile(weights)) {
                throw new IllegalArgumentException(weights + ": missing from the checkpoint");
            }
            ComputationGraph net = ModelSerializer.restoreComputationGraph(weights.toFile(), false);
            return new ModelCheckpoint(dir, root.path("name").asText(dir.getFileName().toString()),
                    required(root, "step", jsonFile).asLong(), header.model(), header.masking(), net, tokenizer,
                    tokenizerConfig);
        });
    }

    /** What a checkpoint holds, read from its model.json alone: the weights stay on disk. */
    public record Header(Path directory, ModelConfig model, PhiDecoder.Masking masking) {

        public Path weights() {
            return directory.resolve(WEIGHTS);
        }
    }

    /** The {@link Header} of the checkpoint {@link #load} would load from {@code path}. */
    public static Header header(Path path) {
        return read(path, (dir, root, jsonFile) -> header(dir, root, jsonFile));
    }

    /** Reads a checkpoint's model.json with what follows from it; errors name the file or what is missing. */
    private interface Reading<T> {
        T from(Path dir, JsonNode root, Path jsonFile) throws IOException;
    }

    private static <T> T read(Path path, Reading<T> reading) {
        Path dir = CheckpointFolders.resolve(path);
        Path jsonFile = dir.resolve(JSON_FILE);
        try {
            return reading.from(dir, CheckpointJson.read(jsonFile, FORMAT, VERSION), jsonFile);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(e.getFile() + ": missing from the checkpoint");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(jsonFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(jsonFile + ": cannot read the checkpoint: " + e.getMessage(), e);
        }
    }

    private static Header header(Path dir, JsonNode root, Path jsonFile) {
        ModelConfig model = ConfigJson.fromJson(required(root, "model", jsonFile), ModelConfig.class,
                jsonFile.toString());
        PhiDecoder.Masking masking = PhiDecoder.Masking.valueOf(
                required(root, "masking", jsonFile).asText().toUpperCase(Locale.ROOT));
        return new Header(dir, model, masking);
    }

    private static TokenizerConfig tokenizerConfig(JsonNode tokenizer, Path dir) {
        TokenizerConfig.Kind kind = TokenizerConfig.Kind.valueOf(
                tokenizer.path("kind").asText().toUpperCase(Locale.ROOT));
        int vocab = tokenizer.path("vocab_size").asInt();
        return kind == TokenizerConfig.Kind.BPE
                ? new TokenizerConfig(kind, Optional.of(dir.resolve(tokenizer.path("file").asText(TOKENIZER))), vocab,
                        List.of())
                : new TokenizerConfig(kind, Optional.empty(), vocab, List.of());
    }
}
