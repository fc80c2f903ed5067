package dev.phi4j.trainer.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.AdamW;
import dev.phi4j.trainer.train.Checkpoint;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingState;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A checkpoint of the tiny preset (random weights, the sample-books BPE) written by {@link Checkpoint#save}. */
public final class TinyCheckpoint {

    private TinyCheckpoint() {}

    /** Writes {@code run/checkpoints/step-00000000} and returns {@code run}, which {@link Checkpoint#load} accepts. */
    public static Path write(Path run, long seed) throws IOException {
        Path tokenizerFile = run.resolve("tokenizer.bpe");
        Files.createDirectories(run);
        TinyLm.tokenizer().save(tokenizerFile);
        TokenizerConfig tokenizerConfig = new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(tokenizerFile),
                TinyLm.CONFIG.vocabSize(), List.of());
        ComputationGraph net = TinyLm.net(DataType.FLOAT, PhiDecoder.Masking.DOCUMENTS, seed);
        TrainerConfig trainer = ConfigJson.fromJson(new ObjectMapper().createObjectNode(), TrainerConfig.class, "test");
        Checkpoint.save(run.resolve(Checkpoint.DIRECTORY), Checkpoint.stepName(0), new Checkpoint.Snapshot(net,
                new AdamW(trainer.optimizer(), Nd4j.zerosLike(net.params())), TinyLm.CONFIG,
                PhiDecoder.Masking.DOCUMENTS, TinyLm.tokenizer(), tokenizerConfig, trainer,
                TrainingState.initial(TokenizerFingerprint.of(TinyLm.tokenizer()), seed), 0, 0));
        return run;
    }
}
