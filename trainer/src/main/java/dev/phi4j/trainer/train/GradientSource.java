package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * Where a step's gradient comes from: the first half of a {@link TrainStep} ({@link TrainStep#accumulate}), made
 * pluggable so it can run elsewhere, e.g. spread over Spark executors (module {@code trainer-spark}). The
 * {@link Trainer} keeps everything else: the data order, the schedule, clipping and AdamW on the driver, metrics,
 * evaluation and checkpoints, so a run whose gradients come from elsewhere writes what a single-process run writes.
 *
 * <p>Without one, the trainer accumulates in process (today's behaviour, bit for bit).
 */
public interface GradientSource extends AutoCloseable {

    /**
     * Fills {@code gradientSum} (laid out like the network's flattened parameters, zeroed by the caller) with the sum
     * of the objective's gradients over the step's micro-batches at {@code params}, and returns the summed loss and
     * target count.
     *
     * @param step         the step being computed (1-based)
     * @param microBatches the step's micro-batches, each the training-example indices (data order rows) it holds
     * @param params       the network's current flattened parameters (read only)
     */
    Objective.Sum accumulate(long step, List<List<Long>> microBatches, INDArray params, INDArray gradientSum);

    /** Timings or counts of the last {@link #accumulate}, by name, written into the step's metrics line. */
    default Map<String, Double> stepMetrics() {
        return Map.of();
    }

    /** A short description for the progress output, e.g. "gradient sharing over 2 Spark workers (local[2])". */
    String describe();

    @Override
    default void close() {}
}
