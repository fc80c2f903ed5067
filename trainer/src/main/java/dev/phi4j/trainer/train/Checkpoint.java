package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.CheckpointJson;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static dev.phi4j.trainer.checkpoint.CheckpointJson.required;

/**
 * A training run's checkpoint: a {@link ModelCheckpoint} (model.json, model.zip, tokenizer.bpe) and, in the same
 * folder, the training state that {@code --resume} needs:
 * <pre>
 *   training.json    format, version, step, trainer config, training state (data position, counters, AdamW t),
 *                    data, schedule position, RNG scheme
 *   optimizer.bin    AdamW moments m and v (ND4J binary); the update count is in training.json
 * </pre>
 * Folders, LATEST, the atomic write and pruning are {@link CheckpointFolders}'.
 */
public final class Checkpoint {

    public static final String FORMAT = "phi4j-training-state";
    public static final int VERSION = 2;
    public static final String JSON_FILE = "training.json";
    public static final String OPTIMIZER = "optimizer.bin";

    private Checkpoint() {}

    /** What a checkpoint stores. {@code learningRate} is the schedule's value at {@code state.step()}. */
    public record Snapshot(ModelCheckpoint.Contents model, AdamW optimizer, TrainerConfig trainer, TrainingState state,
                           double learningRate, long trainSequences) {}

    /** Writes {@code checkpointsDir/name} atomically, points LATEST at it and returns it. */
    public static Path save(Path checkpointsDir, String name, Snapshot snapshot) throws IOException {
        return CheckpointFolders.commit(checkpointsDir, name, folder -> {
            ModelCheckpoint.write(folder, name, snapshot.state().step(), snapshot.model());
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(folder.resolve(OPTIMIZER))))) {
                snapshot.optimizer().writeMoments(out);
            }
            CheckpointJson.write(folder.resolve(JSON_FILE), describe(snapshot));
        });
    }

    private static ObjectNode describe(Snapshot s) {
        ObjectNode root = CheckpointJson.start(FORMAT, VERSION);
        root.put("step", s.state().step());
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
        root.putObject("files").put("optimizer", OPTIMIZER);
        return root;
    }

    /**
     * Loads a checkpoint to resume from: a checkpoint folder, a checkpoints directory or a run directory (the last
     * two through LATEST). Errors name the path and what is missing.
     */
    public static LoadedCheckpoint load(Path path) {
        ModelCheckpoint model = ModelCheckpoint.load(path);
        Path jsonFile = model.directory().resolve(JSON_FILE);
        JsonNode root = read(jsonFile);
        try {
            TrainerConfig trainer = ConfigJson.fromJson(required(root, "trainer", jsonFile), TrainerConfig.class,
                    jsonFile.toString());
            TrainingState state = ConfigJson.fromJson(required(root, "state", jsonFile), TrainingState.class,
                    jsonFile.toString());
            return new LoadedCheckpoint(model, trainer, state);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(jsonFile + ": " + e.getMessage(), e);
        }
    }

    /** The step a checkpoint folder was saved at, from its training.json alone (the model is not read). */
    public static long step(Path folder) {
        Path jsonFile = folder.resolve(JSON_FILE);
        return required(required(read(jsonFile), "state", jsonFile), "step", jsonFile).asLong();
    }

    private static JsonNode read(Path jsonFile) {
        try {
            return CheckpointJson.read(jsonFile, FORMAT, VERSION);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(jsonFile + ": missing: the folder holds a model without its training "
                    + "state, which cannot be resumed; start a new run from it with trainer.init_from");
        } catch (IOException e) {
            throw new UncheckedIOException(jsonFile + ": cannot read the checkpoint: " + e.getMessage(), e);
        }
    }
}
