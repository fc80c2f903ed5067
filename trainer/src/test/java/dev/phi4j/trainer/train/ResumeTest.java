package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.shard.ShardSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stop at step k, resume, and every later loss equals the uninterrupted run's, bit for bit. */
class ResumeTest {

    private static final TrainerConfig CONFIG = TrainFixtures.trainer("{max_steps: 8, micro_batch_size: 2, "
            + "global_batch_tokens: 64, schedule: {warmup_steps: 2}, eval: {interval: 3, batches: 2}, "
            + "checkpoint: {interval: 100}}");

    @Test
    void resumedRunReproducesEveryLaterLossOfTheUninterruptedRun(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));

        Path whole = dir.resolve("whole");
        Trainer uninterrupted = Trainer.start(TrainFixtures.run(whole, CONFIG), data, TrainingProgress.SILENT);
        uninterrupted.train();

        Path parts = dir.resolve("parts");
        Trainer.start(TrainFixtures.run(parts, CONFIG), data, TrainingProgress.SILENT).train(3);
        assertTrue(Files.isDirectory(parts.resolve("checkpoints/step-00000003")));
        Trainer resumed = Trainer.resume(TrainFixtures.run(parts, CONFIG), data, TrainingProgress.SILENT);
        assertEquals(3, resumed.state().step());
        resumed.train();

        List<JsonNode> expected = TrainFixtures.steps(whole);
        List<JsonNode> actual = TrainFixtures.steps(parts);
        assertEquals(8, expected.size());
        assertEquals(8, actual.size(), "metrics.jsonl reads like one run");
        for (int i = 0; i < 8; i++) {
            assertEquals(expected.get(i).get("step").asLong(), actual.get(i).get("step").asLong());
            assertEquals(0.0, expected.get(i).get("loss").asDouble() - actual.get(i).get("loss").asDouble(),
                    "loss at step " + (i + 1));
            assertEquals(expected.get(i).get("grad_norm").asDouble(), actual.get(i).get("grad_norm").asDouble(), 0.0);
        }
        List<JsonNode> expectedEval = TrainFixtures.events(whole, "eval");
        List<JsonNode> actualEval = TrainFixtures.events(parts, "eval");
        assertEquals(expectedEval.stream().map(e -> e.get("step").asLong()).toList(), List.of(3L, 6L, 8L));
        for (int i = 0; i < expectedEval.size(); i++) {
            assertEquals(expectedEval.get(i).get("val_loss").asDouble(), actualEval.get(i).get("val_loss").asDouble(),
                    0.0);
        }
        assertEquals(uninterrupted.network().params(), resumed.network().params());
        assertEquals(uninterrupted.state().sequencesConsumed(), resumed.state().sequencesConsumed());
    }
}
