package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    private static final TrainerConfig TRAINER = TrainFixtures.trainer(
            "{max_steps: 9, schedule: {warmup_steps: 2}, checkpoint: {milestones: {warm: 2}}}");

    private static ComputationGraph net;
    private static AdamW optimizer;

    @BeforeAll
    static void trainedABit() {
        net = PhiDecoder.build(TrainFixtures.MODEL, PhiDecoder.Masking.DOCUMENTS,
                new NeuralNetConfiguration.Builder().seed(3).updater(new NoOp()).weightDecay(0.1, true));
        optimizer = new AdamW(TRAINER.optimizer(), DecayMask.of(net));
        Nd4j.getRandom().setSeed(4);
        for (int i = 0; i < 3; i++) {
            optimizer.update(net.params(), Nd4j.randn(DataType.FLOAT, net.params().shape()), 1e-3);
        }
    }

    @Test
    void savedCheckpointLoadsFromItsRunCheckpointsOrOwnDirectoryWithEverythingItNeeds(@TempDir Path run)
            throws IOException {
        TokenizerConfig tokenizer = TrainFixtures.tokenizerIn(run);
        Path checkpoints = run.resolve(CheckpointFolders.DIRECTORY);
        Path saved = Checkpoint.save(checkpoints, CheckpointFolders.stepName(3), snapshot(3, tokenizer));
        assertEquals(checkpoints.resolve("step-00000003"), saved);
        assertEquals("step-00000003", Files.readString(checkpoints.resolve(CheckpointFolders.LATEST)).trim());
        assertEquals(List.of("model.json", "model.zip", "optimizer.bin", "tokenizer.bpe", "training.json"),
                entries(saved));

        for (Path path : List.of(run, checkpoints, saved)) {
            LoadedCheckpoint loaded = Checkpoint.load(path);
            assertEquals(saved, loaded.directory());
            assertEquals(TRAINER, loaded.trainer());
            assertEquals(state(3), loaded.state());
            ModelCheckpoint model = ModelCheckpoint.load(path);      // what inference reads: no training state
            for (ModelCheckpoint read : List.of(loaded.model(), model)) {
                assertEquals(saved, read.directory());
                assertEquals(3, read.step());
                assertEquals(TrainFixtures.MODEL, read.model());
                assertEquals(PhiDecoder.Masking.DOCUMENTS, read.masking());
                assertEquals(net.params(), read.net().params());
                assertEquals(saved.resolve(ModelCheckpoint.TOKENIZER), read.tokenizerConfig().path().orElseThrow());
                assertEquals(TokenizerFingerprint.of(TrainFixtures.tokenizer()), TokenizerFingerprint.of(read.tokenizer()));
            }
        }

        LoadedCheckpoint loaded = Checkpoint.load(run);
        AdamW restored = new AdamW(TRAINER.optimizer(), DecayMask.of(loaded.model().net()));
        loaded.restoreOptimizer(restored);
        assertEquals(3, restored.updates());
        assertEquals(optimizer.firstMoment(), restored.firstMoment());
        assertEquals(optimizer.secondMoment(), restored.secondMoment());
        String modelJson = Files.readString(saved.resolve(ModelCheckpoint.JSON_FILE));
        for (String recorded : List.of("\"rope\"", "\"theta\" : 10000.0", "\"context_length\" : 16",
                "\"kind\" : \"bpe\"", "\"step\" : 3")) {
            assertTrue(modelJson.contains(recorded), recorded + " missing from\n" + modelJson);
        }
        String trainingJson = Files.readString(saved.resolve(Checkpoint.JSON_FILE));
        for (String recorded : List.of("\"sequences_consumed\" : 30", "\"lr\" : 5.0E-4", "\"optimizer_updates\" : 3")) {
            assertTrue(trainingJson.contains(recorded), recorded + " missing from\n" + trainingJson);
        }
    }

    @Test
    void pruningKeepsTheLastNAndEveryMilestone(@TempDir Path run) throws IOException {
        TokenizerConfig tokenizer = TrainFixtures.tokenizerIn(run);
        Path checkpoints = run.resolve(CheckpointFolders.DIRECTORY);
        for (long step = 1; step <= 5; step++) {
            Checkpoint.save(checkpoints, step == 2 ? "warm" : CheckpointFolders.stepName(step), snapshot(step, tokenizer));
            CheckpointFolders.prune(checkpoints, 2);
        }
        assertEquals(List.of("LATEST", "step-00000004", "step-00000005", "warm"), entries(checkpoints));
        assertEquals(2, Checkpoint.load(checkpoints.resolve("warm")).step());
        assertEquals(5, Checkpoint.load(run).step());
        assertEquals(2, Checkpoint.step(checkpoints.resolve("warm")), "the step from training.json alone");
        assertEquals(5, Checkpoint.step(CheckpointFolders.latest(checkpoints).orElseThrow()));
    }

    @Test
    void anInterruptedSaveLeavesTheLatestCompleteCheckpointInCharge(@TempDir Path run) throws IOException {
        TokenizerConfig tokenizer = TrainFixtures.tokenizerIn(run);
        Path checkpoints = run.resolve(CheckpointFolders.DIRECTORY);
        Checkpoint.save(checkpoints, CheckpointFolders.stepName(1), snapshot(1, tokenizer));
        // A crash while writing step 2: its files sit half-written in the hidden partial directory.
        Path partial = Files.createDirectories(checkpoints.resolve(".partial-step-00000002"));
        Files.writeString(partial.resolve(ModelCheckpoint.WEIGHTS), "half a zip");
        assertEquals(1, Checkpoint.load(run).step());

        Checkpoint.save(checkpoints, CheckpointFolders.stepName(2), snapshot(2, tokenizer));
        CheckpointFolders.prune(checkpoints, 3);
        assertEquals(List.of("LATEST", "step-00000001", "step-00000002"), entries(checkpoints));
        assertEquals(2, Checkpoint.load(run).step());
    }

    @Test
    void missingPiecesAreErrorsNamingThem(@TempDir Path run) throws IOException {
        IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(run));
        assertTrue(nothing.getMessage().startsWith(run + ": no checkpoint here"), nothing.getMessage());

        Path saved = Checkpoint.save(run.resolve(CheckpointFolders.DIRECTORY), "step-00000001",
                snapshot(1, TrainFixtures.tokenizerIn(run)));
        Files.delete(saved.resolve(Checkpoint.JSON_FILE));
        ModelCheckpoint.load(run);                                 // a model without training state still serves
        IllegalArgumentException state = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(run));
        assertTrue(state.getMessage().startsWith(saved.resolve(Checkpoint.JSON_FILE) + ": missing"), state.getMessage());
        assertTrue(state.getMessage().contains("trainer.init_from"), state.getMessage());

        Files.delete(saved.resolve(ModelCheckpoint.WEIGHTS));
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.load(run));
        assertEquals(saved.resolve(ModelCheckpoint.WEIGHTS) + ": missing from the checkpoint", model.getMessage());
    }

    @Test
    void aVersion1CheckpointIsRefusedNamingItsFile(@TempDir Path run) throws IOException {
        Path old = Files.createDirectories(run.resolve("checkpoints/step-00000200"));
        Files.writeString(old.resolve("checkpoint.json"), "{\"format\": \"phi4j-checkpoint\", \"version\": 1}");
        Files.writeString(run.resolve("checkpoints/LATEST"), "step-00000200\n");
        for (Path path : List.of(run, old)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ModelCheckpoint.load(path));
            assertTrue(refused.getMessage().startsWith(old.resolve("checkpoint.json") + ": a checkpoint of format "
                    + "version 1"), refused.getMessage());
            assertTrue(refused.getMessage().contains("retrain"), refused.getMessage());
        }
    }

    private static Checkpoint.Snapshot snapshot(long step, TokenizerConfig tokenizer) {
        return new Checkpoint.Snapshot(new ModelCheckpoint.Contents(net, TrainFixtures.MODEL,
                PhiDecoder.Masking.DOCUMENTS, TrainFixtures.tokenizer(), tokenizer), optimizer, TRAINER, state(step),
                5e-4, 20);
    }

    private static TrainingState state(long step) {
        return new TrainingState(step, 10 * step, 160 * step, 0, 0, 3, 1.5, "sha256:data", 42);
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
