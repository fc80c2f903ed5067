package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;
import java.util.Map;

/**
 * The loss a {@link TrainStep} minimises, evaluated one micro-batch at a time. A step adds up the micro-batches'
 * {@link Sum}s and gradients and divides both by the total target count, so every target of the global batch weighs
 * the same however the batch is cut into micro-batches (or spread over workers).
 */
public interface Objective {

    /** The loss summed over a micro-batch's targets, and how many targets count. */
    record Sum(double loss, double targets) {

        public static final Sum ZERO = new Sum(0, 0);

        public Sum plus(Sum other) {
            return new Sum(loss + other.loss, targets + other.targets);
        }
    }

    /**
     * Evaluates {@code microBatch} at the network's current weights and adds the gradient of its summed loss to
     * {@code gradientSum} (laid out like the network's flattened parameters).
     */
    Sum accumulate(MultiDataSet microBatch, INDArray gradientSum);

    /** Evaluates {@code microBatch} at the network's current weights, without a gradient. */
    Sum evaluate(MultiDataSet microBatch);

    /**
     * What the objective measured on the micro-batches {@link #accumulate}d since the last call, besides the loss
     * (e.g. DPO's rewards), by metric name; the call starts a new tally. Empty when there is nothing more to say.
     */
    default Map<String, Double> trainingMetrics() {
        return Map.of();
    }

    /** Metrics besides the loss on held-out micro-batches at the current weights, by name (logged with "val_"). */
    Map<String, Double> validationMetrics(List<MultiDataSet> microBatches);
}
