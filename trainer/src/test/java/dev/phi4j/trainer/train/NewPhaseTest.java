package dev.phi4j.trainer.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.RopeScaling;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.LanguageModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run started from another run's model checkpoint ({@code trainer.init_from}) at a longer context and a new θ. */
class NewPhaseTest {

    private static final String STEPS = "max_steps: 3, micro_batch_size: 2, schedule: {warmup_steps: 1}, "
            + "eval: {interval: 0}";
    /** Twice the context with a new RoPE base, as midtraining does. */
    private static final ModelConfig LONGER = TrainFixtures.MODEL.withContext(32, 250_000);

    @Test
    void aNewPhaseStartsFromTheSourceWeightsWithItsOwnContextAndRopeBase(@TempDir Path dir) throws IOException {
        Path pretrain = dir.resolve("pretrain");
        Trainer.start(TrainFixtures.run(pretrain, TrainFixtures.trainer("{" + STEPS + ", global_batch_tokens: 32}")),
                TrainFixtures.packedBooks(dir.resolve("data-16")), TrainingProgress.SILENT).train();
        ModelCheckpoint source = ModelCheckpoint.load(pretrain);

        Path midtrain = dir.resolve("midtrain");
        TrainerConfig config = TrainFixtures.trainer("{" + STEPS + ", global_batch_tokens: 64, init_from: '"
                + pretrain + "'}");
        Trainer.Run run = new Trainer.Run(midtrain, 7, LONGER, TrainFixtures.tokenizer(),
                TrainFixtures.tokenizerIn(midtrain), config);
        ShardSet longer = TextPacker.pack(TrainFixtures.BOOKS, TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.1,
                TrainFixtures.tokenizer(), LONGER.contextLength(), dir.resolve("data-32")).shards();
        Trainer phase = Trainer.start(run, longer, TrainingProgress.SILENT);
        assertEquals(source.net().params(), phase.network().params(), "the weights are the source's");
        assertEquals(0, phase.state().step(), "a fresh schedule and data position");
        phase.train(2);

        LoadedCheckpoint written = Checkpoint.load(midtrain);
        assertEquals(LONGER, written.model().model());
        assertEquals(2, written.state().optimizerUpdates(), "a fresh optimizer");
        String modelJson = Files.readString(written.directory().resolve(ModelCheckpoint.JSON_FILE));
        assertTrue(modelJson.contains("\"theta\" : 250000.0") && modelJson.contains("\"context_length\" : 32"),
                modelJson);

        InferenceModel loaded = InferenceModel.load(written.directory(), true);
        assertEquals(LONGER, loaded.model().config(), "generation reads θ and the context from the checkpoint");
        int[] prompt = IntStream.range(0, 24).map(i -> 20 + i).toArray();    // longer than the source's context
        try (LanguageModel.State sequence = loaded.model().newSequence()) {
            INDArray logits = loaded.model().forward(List.of(new LanguageModel.Feed(sequence, prompt, true))).get(0);
            assertEquals(List.of(24L, (long) TrainFixtures.VOCAB), List.of(logits.size(0), logits.size(1)));
        }

        Trainer.Run changedAgain = new Trainer.Run(midtrain, 7, TrainFixtures.MODEL.withContext(32, 500_000),
                TrainFixtures.tokenizer(), TrainFixtures.tokenizerIn(midtrain), config);
        IllegalArgumentException resume = assertThrows(IllegalArgumentException.class,
                () -> Trainer.resume(changedAgain, longer, TrainingProgress.SILENT));
        assertTrue(resume.getMessage().contains("resume with the config it was trained with"), resume.getMessage());
    }

    @Test
    void aNewPhaseMayStretchRopeWithYarnAndTheCheckpointCarriesItToGeneration(@TempDir Path dir) throws IOException {
        Path pretrain = dir.resolve("pretrain");
        Trainer.start(TrainFixtures.run(pretrain, TrainFixtures.trainer("{" + STEPS + ", global_batch_tokens: 32}")),
                TrainFixtures.packedBooks(dir.resolve("data-16")), TrainingProgress.SILENT).train();
        ModelConfig stretched = TrainFixtures.MODEL.withContext(32, TrainFixtures.MODEL.ropeTheta())
                .withRopeScaling(new RopeScaling(RopeScaling.Kind.YARN, 2, 16, 32, 1));

        Path midtrain = dir.resolve("midtrain");
        Trainer.Run run = new Trainer.Run(midtrain, 7, stretched, TrainFixtures.tokenizer(),
                TrainFixtures.tokenizerIn(midtrain), TrainFixtures.trainer("{" + STEPS + ", global_batch_tokens: 64, "
                + "init_from: '" + pretrain + "'}"));
        ShardSet longer = TextPacker.pack(TrainFixtures.BOOKS, TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.1,
                TrainFixtures.tokenizer(), 32, dir.resolve("data-32")).shards();
        Trainer.start(run, longer, TrainingProgress.SILENT).train(1);

        LoadedCheckpoint written = Checkpoint.load(midtrain);
        assertEquals(stretched, written.model().model());
        String modelJson = Files.readString(written.directory().resolve(ModelCheckpoint.JSON_FILE));
        assertTrue(modelJson.contains("\"scaling\" : \"yarn\""), modelJson);
        assertEquals(stretched, InferenceModel.load(written.directory(), true).model().config(),
                "generation stretches RoPE as the checkpoint says, with no flag");
    }

    @Test
    void aNewPhaseOfAnotherShapeIsRefusedNamingTheKey(@TempDir Path dir) throws IOException {
        Path pretrain = dir.resolve("pretrain");
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        Trainer.start(TrainFixtures.run(pretrain, TrainFixtures.trainer("{" + STEPS + ", global_batch_tokens: 32}")),
                data, TrainingProgress.SILENT).train(1);

        ModelConfig m = TrainFixtures.MODEL;
        ModelConfig wider = new ModelConfig(m.vocabSize(), 32, m.nLayers(), m.nHeads(), m.nKvHeads(), m.ffnHidden(),
                m.contextLength(), m.ropeTheta(), m.normEps());
        Path next = dir.resolve("next");
        Trainer.Run run = new Trainer.Run(next, 7, wider, TrainFixtures.tokenizer(), TrainFixtures.tokenizerIn(next),
                TrainFixtures.trainer("{" + STEPS + ", global_batch_tokens: 32, init_from: '" + pretrain + "'}"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Trainer.start(run, data, TrainingProgress.SILENT));
        assertTrue(refused.getMessage().contains("model.d_model 16, this run's config 32"), refused.getMessage());
        assertTrue(refused.getMessage().startsWith(pretrain.resolve("checkpoints/step-00000001").toString()),
                refused.getMessage());
    }
}
