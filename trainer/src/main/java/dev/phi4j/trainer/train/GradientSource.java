package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Where a step's gradient comes from: the first half of a {@link TrainStep} ({@link TrainStep#accumulate}), made
 * pluggable so it can run elsewhere. The {@link Trainer} still clips and applies AdamW, so the run's losses are the
 * single-process run's up to the order the gradient sums are added in.
 */
public interface GradientSource extends StepDistribution {

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
}
