package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints of a run, one directory each under {@code <run>/checkpoints/}:
 * <pre>
 *   step-00000100/       periodic (the last keep_last are kept), or a milestone's name (kept for good)
 *     checkpoint.json    format, step, model config, masking, RoPE, tokenizer, trainer config, training state
 *                        (data position, counters), schedule position, RNG scheme
 *     model.zip          DL4J ModelSerializer: configuration and weights
 *     optimizer.bin      AdamW moments m and v (ND4J binary); the update count is in checkpoint.json
 *     tokenizer.bpe      copy of the tokenizer when tokenizer.kind is bpe, so the checkpoint stands alone
 *   LATEST               the newest checkpoint directory's name
 * </pre>
 * A checkpoint is written into a hidden {@code .partial-NAME} directory and renamed into place, then LATEST is
 * replaced by renaming a temporary file: a crash at any moment leaves LATEST naming a complete checkpoint.
 */
public final class Checkpoint {

    public static final String FORMAT = "phi4j-checkpoint";
    public static final int VERSION = 1;
    public static final String DIRECTORY = "checkpoints";
    public static final String LATEST = "LATEST";
    public static final String JSON_FILE = "checkpoint.json";
    public static final String MODEL = "model.zip";
    public static final String OPTIMIZER = "optimizer.bin";
    public static final String TOKENIZER = "tokenizer.bpe";
    private static final String STEP_PREFIX = "step-";
    private static final String PARTIAL_PREFIX = ".partial-";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {}

    /** What a checkpoint stores. {@code learningRate} is the schedule's value at {@code state.step()}. */
    public record Snapshot(ComputationGraph net, AdamW optimizer, ModelConfig model, PhiDecoder.Masking masking,
                           Tokenizer tokenizer, TokenizerConfig tokenizerConfig, TrainerConfig trainer,
                           TrainingState state, double learningRate, long trainSequences) {}

    /** {@code step-00000100}. */
    public static String stepName(long step) {
        return String.format(Locale.ROOT, "%s%08d", STEP_PREFIX, step);
    }

    /** Writes {@code checkpointsDir/name} atomically, points LATEST at it and returns it. */
    public static Path save(Path checkpointsDir, String name, Snapshot snapshot) throws IOException {
        Files.createDirectories(checkpointsDir);
        Path partial = checkpointsDir.resolve(PARTIAL_PREFIX + name);
        deleteTree(partial);
        Files.createDirectories(partial);

        ModelSerializer.writeModel(snapshot.net(), partial.resolve(MODEL).toFile(), false);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(partial.resolve(OPTIMIZER))))) {
            snapshot.optimizer().writeMoments(out);
        }
        if (snapshot.tokenizerConfig().kind() == TokenizerConfig.Kind.BPE) {
            Files.copy(snapshot.tokenizerConfig().path().orElseThrow(), partial.resolve(TOKENIZER));
        }
        Files.writeString(partial.resolve(JSON_FILE), JSON.writeValueAsString(describe(name, snapshot)) + "\n");
        for (String file : List.of(MODEL, OPTIMIZER, JSON_FILE)) {
            force(partial.resolve(file));
        }

        Path target = checkpointsDir.resolve(name);
        if (Files.exists(target)) {                       // a step redone after a resume from an earlier one
            Path old = checkpointsDir.resolve(PARTIAL_PREFIX + name + ".old");
            deleteTree(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
        Path latestPartial = checkpointsDir.resolve(PARTIAL_PREFIX + LATEST);
        Files.writeString(latestPartial, name + "\n");
        force(latestPartial);
        Files.move(latestPartial, checkpointsDir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private static ObjectNode describe(String name, Snapshot s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("name", name);
        root.put("step", s.state().step());
        root.put("created", Instant.now().toString());
        root.set("model", ConfigJson.toJson(s.model()));
        root.put("masking", s.masking().name().toLowerCase(Locale.ROOT));
        ObjectNode rope = root.putObject("rope");
        rope.put("theta", s.model().ropeTheta());
        rope.put("context_length", s.model().contextLength());
        rope.put("layout", "rotate-half");
        rope.put("positions", s.masking() == PhiDecoder.Masking.DOCUMENTS ? "restart at each document" : "0..T-1");
        ObjectNode tokenizer = root.putObject("tokenizer");
        tokenizer.put("kind", s.tokenizerConfig().kind().name().toLowerCase(Locale.ROOT));
        tokenizer.put("vocab_size", s.tokenizer().vocabSize());
        tokenizer.put("name", s.tokenizer().name());
        tokenizer.put("fingerprint", TokenizerFingerprint.of(s.tokenizer()));
        if (s.tokenizerConfig().kind() == TokenizerConfig.Kind.BPE) {
            tokenizer.put("file", TOKENIZER);
        }
        root.set("trainer", ConfigJson.toJson(s.trainer()));
        root.set("state", ConfigJson.toJson(s.state()));
        ObjectNode data = root.putObject("data");
        data.put("fingerprint", s.state().dataFingerprint());
        data.put("sequences_consumed", s.state().sequencesConsumed());
        data.put("train_sequences", s.trainSequences());
        data.put("epoch", s.trainSequences() == 0 ? 0 : s.state().sequencesConsumed() / s.trainSequences());
        ObjectNode schedule = root.putObject("schedule");
        schedule.put("step", s.state().step());
        schedule.put("lr", s.learningRate());
        ObjectNode rng = root.putObject("rng");
        rng.put("seed", s.state().seed());
        rng.put("data_order", "epoch e visits the training sequences in a Fisher-Yates permutation drawn from "
                + "java.util.Random(seed, e); the position is state.sequences_consumed");
        rng.put("nd4j", "reseeded before every step from (seed, step), so no generator state needs saving");
        ObjectNode files = root.putObject("files");
        files.put("model", MODEL);
        files.put("optimizer", OPTIMIZER);
        return root;
    }

    /**
     * Loads a checkpoint from a step directory, a checkpoints directory or a run directory (the last two through
     * LATEST). Errors name the path and what is missing.
     */
    public static LoadedCheckpoint load(Path path) {
        Path dir = resolve(path);
        Path jsonFile = dir.resolve(JSON_FILE);
        try {
            JsonNode root = JSON.readTree(Files.readString(jsonFile));
            if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION) {
                throw new IllegalArgumentException(jsonFile + ": not a " + FORMAT + " version " + VERSION + " file");
            }
            String source = jsonFile.toString();
            ModelConfig model = ConfigJson.fromJson(required(root, "model", jsonFile), ModelConfig.class, source);
            PhiDecoder.Masking masking = PhiDecoder.Masking.valueOf(
                    required(root, "masking", jsonFile).asText().toUpperCase(Locale.ROOT));
            TrainerConfig trainer = ConfigJson.fromJson(required(root, "trainer", jsonFile), TrainerConfig.class,
                    source);
            TrainingState state = ConfigJson.fromJson(required(root, "state", jsonFile), TrainingState.class, source);
            TokenizerConfig tokenizerConfig = tokenizerConfig(required(root, "tokenizer", jsonFile), dir);
            Tokenizer tokenizer = Tokenizers.open(tokenizerConfig);
            String fingerprint = root.path("tokenizer").path("fingerprint").asText();
            if (!fingerprint.equals(TokenizerFingerprint.of(tokenizer))) {
                throw new IllegalArgumentException(jsonFile + ": the tokenizer found does not match the fingerprint "
                        + "recorded (" + fingerprint + ")");
            }
            Path modelFile = dir.resolve(MODEL);
            if (!Files.isRegularFile(modelFile)) {
                throw new IllegalArgumentException(modelFile + ": missing from the checkpoint");
            }
            ComputationGraph net = ModelSerializer.restoreComputationGraph(modelFile.toFile(), false);
            return new LoadedCheckpoint(dir, root.path("name").asText(dir.getFileName().toString()), model, masking,
                    net, tokenizer, tokenizerConfig, trainer, state);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(e.getFile() + ": missing from the checkpoint");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(jsonFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(jsonFile + ": cannot read the checkpoint: " + e.getMessage(), e);
        }
    }

    /** The step a checkpoint directory was saved at, from its JSON alone (the model is not read). */
    public static long step(Path dir) {
        Path jsonFile = dir.resolve(JSON_FILE);
        try {
            return required(required(JSON.readTree(Files.readString(jsonFile)), "state", jsonFile), "step", jsonFile)
                    .asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(jsonFile + ": cannot read the checkpoint: " + e.getMessage(), e);
        }
    }

    private static JsonNode required(JsonNode root, String key, Path file) {
        JsonNode value = root.get(key);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(file + ": lacks '" + key + "'");
        }
        return value;
    }

    private static TokenizerConfig tokenizerConfig(JsonNode tokenizer, Path dir) {
        TokenizerConfig.Kind kind = TokenizerConfig.Kind.valueOf(tokenizer.path("kind").asText().toUpperCase(Locale.ROOT));
        int vocab = tokenizer.path("vocab_size").asInt();
        return kind == TokenizerConfig.Kind.BPE
                ? new TokenizerConfig(kind, Optional.of(dir.resolve(tokenizer.path("file").asText(TOKENIZER))), vocab,
                        List.of())
                : new TokenizerConfig(kind, Optional.empty(), vocab, List.of());
    }

    /** The checkpoint directory {@code path} means: itself, or LATEST in it or in its checkpoints directory. */
    public static Path resolve(Path path) {
        if (Files.isRegularFile(path.resolve(JSON_FILE))) {
            return path;
        }
        for (Path candidate : List.of(path, path.resolve(DIRECTORY))) {
            Optional<Path> latest = latest(candidate);
            if (latest.isPresent()) {
                return latest.get();
            }
        }
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": no such checkpoint, checkpoints or run directory");
        }
        throw new IllegalArgumentException(path + ": no checkpoint here (neither " + JSON_FILE + " nor "
                + LATEST + " nor " + DIRECTORY + "/" + LATEST + ")");
    }

    /** The checkpoint LATEST names in {@code checkpointsDir}, if there is one. */
    public static Optional<Path> latest(Path checkpointsDir) {
        Path latest = checkpointsDir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        try {
            Path dir = checkpointsDir.resolve(Files.readString(latest).trim());
            if (!Files.isRegularFile(dir.resolve(JSON_FILE))) {
                throw new IllegalArgumentException(latest + " names " + dir.getFileName()
                        + ", which is not a complete checkpoint");
            }
            return Optional.of(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes all but the newest {@code keepLast} periodic checkpoints (and leftovers of interrupted saves); milestones
     * and the one LATEST names are never deleted. Returns what was deleted.
     */
    public static List<Path> prune(Path checkpointsDir, int keepLast) throws IOException {
        Optional<Path> latest = latest(checkpointsDir);
        List<Path> periodic = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> entries = Files.list(checkpointsDir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(PARTIAL_PREFIX)) {
                    deleteTree(entry);
                    deleted.add(entry);
                } else if (name.startsWith(STEP_PREFIX) && Files.isDirectory(entry)) {
                    periodic.add(entry);
                }
            }
        }
        periodic.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (int i = 0; i < periodic.size() - keepLast; i++) {
            Path old = periodic.get(i);
            if (latest.isPresent() && latest.get().equals(old)) {
                continue;
            }
            deleteTree(old);
            deleted.add(old);
        }
        return deleted;
    }

    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
