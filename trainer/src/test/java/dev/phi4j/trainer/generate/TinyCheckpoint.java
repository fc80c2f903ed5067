package dev.phi4j.trainer.generate;

import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A model checkpoint of the tiny preset (random weights, the sample-books BPE), as a run's checkpoint folder. */
public final class TinyCheckpoint {

    private TinyCheckpoint() {}

    /** Writes {@code run/checkpoints/step-00000000} and returns {@code run}, which {@link ModelCheckpoint#load} accepts. */
    public static Path write(Path run, long seed) throws IOException {
        Path tokenizerFile = run.resolve("tokenizer.bpe");
        Files.createDirectories(run);
        TinyLm.tokenizer().save(tokenizerFile);
        TokenizerConfig tokenizerConfig = new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(tokenizerFile),
                TinyLm.CONFIG.vocabSize(), List.of());
        ComputationGraph net = TinyLm.net(DataType.FLOAT, PhiDecoder.Masking.DOCUMENTS, seed);
        ModelCheckpoint.Contents contents = new ModelCheckpoint.Contents(net, TinyLm.CONFIG,
                PhiDecoder.Masking.DOCUMENTS, TinyLm.tokenizer(), tokenizerConfig);
        String name = CheckpointFolders.stepName(0);
        CheckpointFolders.commit(run.resolve(CheckpointFolders.DIRECTORY), name,
                folder -> ModelCheckpoint.write(folder, name, 0, contents));
        return run;
    }
}
