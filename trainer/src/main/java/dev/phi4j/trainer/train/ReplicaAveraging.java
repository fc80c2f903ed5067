package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * Parameter averaging: a round of consecutive steps runs on replicas of the network, each starting from the same
 * weights and AdamW moments, taking its share of every step's micro-batches and applying its own clipped AdamW update
 * at the step's learning rate; after the round the weights and moments are the replicas' mean. Replicas exchange
 * nothing inside a round, so a round of K steps costs one exchange instead of K. With one replica it is the
 * single-process run; with more, each replica's step sees a fraction of the global batch and the mean of the
 * replicas' updates is not the update of their mean gradient, so the losses differ from a single process's.
 *
 * <p>The {@link Trainer} ends a round early wherever it needs the averaged weights: an evaluation, a checkpoint, the
 * last step, a requested stop.
 */
public interface ReplicaAveraging extends StepDistribution {

    /** The most steps in one round ({@code trainer.distributed.average_every}). */
    int roundSteps();

    /**
     * Runs steps {@code firstStep} … {@code firstStep + microBatches.size() − 1} on the replicas from {@code params}
     * and {@code optimizer}'s state, then leaves the replicas' mean weights in {@code params} and their mean moments
     * and update count in {@code optimizer}.
     *
     * @param microBatches  per step of the round, its micro-batches as training-example indices (data order rows)
     * @param learningRates per step of the round, its scheduled learning rate
     * @return per step, its loss over every replica's targets (each replica at its own weights), the replicas' mean
     *         gradient norm, clipped if any replica clipped, applied if every replica with targets applied
     */
    List<TrainStep.Outcome> round(long firstStep, List<List<List<Long>>> microBatches, double[] learningRates,
                                  INDArray params, AdamW optimizer);
}
