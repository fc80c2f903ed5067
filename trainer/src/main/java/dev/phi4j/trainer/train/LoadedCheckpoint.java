package dev.phi4j.trainer.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint read back by {@link Checkpoint#load}: the network with its weights, and everything needed to use or
 * continue it without repeating flags.
 *
 * @param directory       the step (or milestone) directory it was read from
 * @param net             the decoder, weights restored; its DL4J updater is a no-op (the trainer's AdamW holds the
 *                        optimizer state, see {@link #restoreOptimizer})
 * @param tokenizerConfig the tokenizer as a config; for {@code bpe} its path is the checkpoint's own copy
 */
public record LoadedCheckpoint(Path directory, String name, ModelConfig model, PhiDecoder.Masking masking,
                               ComputationGraph net, Tokenizer tokenizer, TokenizerConfig tokenizerConfig,
                               TrainerConfig trainer, TrainingState state) {

    public long step() {
        return state.step();
    }

    /** Loads the AdamW moments into {@code optimizer}, which must be built for this network. */
    public void restoreOptimizer(AdamW optimizer) throws IOException {
        Path file = directory.resolve(Checkpoint.OPTIMIZER);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            optimizer.restore(in, state.optimizerUpdates());
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the optimizer state: " + e.getMessage(), e);
        }
    }
}
