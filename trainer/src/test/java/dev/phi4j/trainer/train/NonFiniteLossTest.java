package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.shard.ShardSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A NaN reaches the real loop through a micro-batch (a label mask of NaN, as a broken producer could write): the step
 * is skipped without touching the weights and counted; nan_tolerance such steps in a row abort the run.
 */
class NonFiniteLossTest {

    private static final TrainerConfig CONFIG = TrainFixtures.trainer("{max_steps: 6, micro_batch_size: 2, "
            + "global_batch_tokens: 32, schedule: {warmup_steps: 1}, eval: {interval: 0}, nan_tolerance: 3, "
            + "checkpoint: {interval: 2}}");

    @Test
    void nonFiniteStepsAreSkippedAndCountedAndTheRunGoesOn(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        Trainer trainer = Trainer.start(TrainFixtures.run(dir.resolve("run"), CONFIG), data, TrainingProgress.SILENT);
        Map<Long, INDArray> paramsBefore = new HashMap<>();
        trainer.hook((step, microBatch, batch) -> {
            if (microBatch == 0) {
                paramsBefore.put(step, trainer.network().params().dup());
            }
            if (Set.of(2L, 3L).contains(step)) {
                poison(batch);
            }
        });
        Trainer.Summary summary = trainer.train();

        List<JsonNode> steps = TrainFixtures.steps(dir.resolve("run"));
        assertEquals(List.of(false, true, true, false, false, false),
                steps.stream().map(s -> s.get("skipped").asBoolean()).toList());
        assertTrue(Double.isNaN(steps.get(1).get("loss").asDouble()), steps.get(1).toString());
        assertEquals(2, steps.get(5).get("skipped_total").asLong());
        assertEquals(2, summary.skippedSteps());
        assertTrue(Double.isFinite(summary.loss()));
        assertEquals(paramsBefore.get(2L), paramsBefore.get(3L), "a skipped step leaves the weights alone");
        assertEquals(paramsBefore.get(3L), paramsBefore.get(4L));
        assertEquals(4, trainer.state().optimizerUpdates(), "6 steps, 2 skipped");
    }

    @Test
    void nanToleranceStepsInARowAbortNamingTheStep(@TempDir Path dir) throws IOException {
        ShardSet data = TrainFixtures.packedBooks(dir.resolve("data"));
        Trainer trainer = Trainer.start(TrainFixtures.run(dir.resolve("run"), CONFIG), data, TrainingProgress.SILENT);
        trainer.hook((step, microBatch, batch) -> {
            if (step >= 3) {
                poison(batch);
            }
        });
        TrainingAbortedException aborted = assertThrows(TrainingAbortedException.class, trainer::train);
        assertEquals(5, aborted.step());
        assertTrue(aborted.getMessage().startsWith("step 5: 3 consecutive steps with a non-finite loss or gradient "
                + "norm (trainer.nan_tolerance = 3)"), aborted.getMessage());
        // Skipped steps leave the weights alone, so step 4's checkpoint holds step 2's weights: still a good one.
        assertTrue(aborted.getMessage().endsWith("the last checkpoint is " + dir.resolve("run/checkpoints/step-00000004")),
                aborted.getMessage());
    }

    private static void poison(MultiDataSet batch) {
        INDArray labels = batch.getLabels(0);
        batch.setLabelsMaskArray(new INDArray[] {
                Nd4j.valueArrayOf(new long[] {labels.size(0), labels.size(2)}, Float.NaN, labels.dataType())});
    }
}
