package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.shard.ShardSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas on this machine's devices ({@code trainer.devices}; on the CPU backend, threads sharing its one device)
 * against one network: every step's loss, gradient norm and validation loss within {@value #TOLERANCE} (float
 * summation order), and the checkpoints resume either way.
 */
class DeviceGradientsTest {

    private static final double TOLERANCE = 1e-6;
    private static final String CONFIG = "{max_steps: 6, micro_batch_size: 2, global_batch_tokens: 192, "
            + "schedule: {warmup_steps: 2}, eval: {interval: 3, batches: 2}, checkpoint: {interval: 3}%s}";

    @Test
    void replicasTrainWhatOneNetworkTrainsAndShareItsCheckpoints(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        TrainerConfig config = TrainFixtures.trainer(String.format(CONFIG, ", devices: 2"));
        Path single = dir.resolve("single");
        Trainer.start(TrainFixtures.run(single, config), data, TrainingProgress.SILENT).train();

        // 3 micro-batches per step over 2 replicas: 2 + 1
        Path replicated = dir.resolve("replicated");
        Trainer replicas = Trainer.start(TrainFixtures.run(replicated, config), data, TrainingProgress.SILENT);
        try (DeviceGradients devices = new DeviceGradients(TrainFixtures.run(replicated, config),
                new SequenceData(data), 2)) {
            replicas.distribute(devices);
            assertTrue(devices.describe().startsWith("gradient sharing over 2 replicas on 1 device(s)"),
                    devices.describe());
            replicas.train(3);
        }
        Trainer resumed = Trainer.resume(TrainFixtures.run(replicated, config), data, TrainingProgress.SILENT);
        assertEquals(3, resumed.state().step());
        resumed.train();
        TrainFixtures.assertSameLosses(single, replicated, 6, TOLERANCE);
        List<JsonNode> steps = TrainFixtures.steps(replicated);
        for (JsonNode step : steps.subList(0, 3)) {
            assertEquals(2, step.get("replicas").asInt(), step.toString());
            assertTrue(step.get("compute_s").asDouble() > 0, step.toString());
        }

        Path handedOver = dir.resolve("single-then-replicated");
        Trainer.start(TrainFixtures.run(handedOver, config), data, TrainingProgress.SILENT).train(3);
        Trainer continued = Trainer.resume(TrainFixtures.run(handedOver, config), data, TrainingProgress.SILENT);
        try (DeviceGradients devices = new DeviceGradients(TrainFixtures.run(handedOver, config),
                new SequenceData(data), 3)) {
            continued.distribute(devices);
            continued.train();
        }
        TrainFixtures.assertSameLosses(single, handedOver, 6, TOLERANCE);
    }

    @Test
    void replicasAndASparkMasterTogetherAreRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainFixtures.trainer(String.format(
                CONFIG, ", devices: 2, distributed: {master: 'local[2]'}")));
        assertTrue(e.getMessage().contains("trainer.devices") && e.getMessage().contains("choose one"),
                e.getMessage());
    }
}
