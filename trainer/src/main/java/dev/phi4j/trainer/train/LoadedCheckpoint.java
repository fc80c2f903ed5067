package dev.phi4j.trainer.train;

import dev.phi4j.trainer.checkpoint.ModelCheckpoint;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint read back by {@link Checkpoint#load} to resume a run: the model checkpoint and the training state.
 *
 * @param model the network with its weights and what describes it; its DL4J updater is a no-op (the trainer's AdamW
 *              holds the optimizer state, see {@link #restoreOptimizer})
 */
public record LoadedCheckpoint(ModelCheckpoint model, TrainerConfig trainer, TrainingState state) {

    /** The checkpoint folder it was read from. */
    public Path directory() {
        return model.directory();
    }

    public long step() {
        return state.step();
    }

    /** Loads the AdamW moments into {@code optimizer}, which must be built for this network. */
    public void restoreOptimizer(AdamW optimizer) throws IOException {
        Path file = directory().resolve(Checkpoint.OPTIMIZER);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            optimizer.restore(in, state.optimizerUpdates());
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the optimizer state: " + e.getMessage(), e);
        }
    }
}
