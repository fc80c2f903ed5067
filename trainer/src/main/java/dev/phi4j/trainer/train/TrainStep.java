package dev.phi4j.trainer.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.io.Serializable;
import java.util.List;

/**
 * One optimizer step in two halves: {@link #accumulate} sums an {@link Objective}'s loss and gradient over the step's
 * micro-batches, {@link #apply} turns the sums into the gradient of the mean per-token loss, clips it by its global
 * norm and applies AdamW, unless the loss or the norm is not finite. {@link #run} is both. Between the halves the
 * sums may be combined with other workers' (sum the losses, targets and {@link #gradient()} buffers), so every target
 * of the global batch weighs the same however it is split into micro-batches.
 *
 * <pre>{@code
 * TrainStep step = new TrainStep(net, new AdamW(optimizerConfig, DecayMask.of(net)), 1.0);
 * TrainStep.Outcome outcome = step.run(microBatches, lr);       // loss, gradient norm, clipped, applied
 * }</pre>
 */
public final class TrainStep {

    /**
     * @param loss     the mean per-token loss before the update; NaN when no target counted (undefined, not 0)
     * @param gradNorm the gradient's global L2 norm before clipping
     * @param applied  false when the loss or the norm was not finite, or no target counted, and the weights were
     *                 left alone
     * @param targets  how many targets the step's loss averaged: the tokens it trained on
     */
    public record Outcome(double loss, double gradNorm, boolean clipped, boolean applied, double targets)
            implements Serializable {

        /** A step whose micro-batches had no target at all (every loss-mask entry 0): nothing to learn from. */
        public boolean empty() {
            return targets == 0;
        }
    }

    private final Objective objective;
    private final INDArray params;
    private final AdamW optimizer;
    private final double gradClip;
    private final INDArray gradient;

    /** A step of next-token cross-entropy ({@link NextTokenCrossEntropy}) on {@code net}. */
    public TrainStep(ComputationGraph net, AdamW optimizer, double gradClip) {
        this(net, new NextTokenCrossEntropy(net), optimizer, gradClip);
    }

    /** @param gradClip the global L2 norm gradients are clipped to; 0 disables clipping */
    public TrainStep(ComputationGraph net, Objective objective, AdamW optimizer, double gradClip) {
        this.objective = objective;
        this.params = net.params();
        this.optimizer = optimizer;
        this.gradClip = gradClip;
        this.gradient = params.ulike();
    }

    /** Accumulates, then applies: one optimizer step at learning rate {@code lr}. */
    public Outcome run(List<MultiDataSet> microBatches, double lr) {
        return apply(accumulate(microBatches), lr);
    }

    /**
     * The objective's loss and target sums over {@code microBatches} at the current weights; the sum of their
     * gradients is left in {@link #gradient()}. Changes no weights.
     */
    public Objective.Sum accumulate(List<MultiDataSet> microBatches) {
        gradient.assign(0);
        Objective.Sum total = Objective.Sum.ZERO;
        for (MultiDataSet microBatch : microBatches) {
            total = total.plus(objective.accumulate(microBatch, gradient));
        }
        return total;
    }

    /**
     * Divides the summed loss and {@link #gradient()} by {@code total.targets()}, clips the gradient and updates the
     * weights with AdamW at learning rate {@code lr}, unless the loss or the gradient norm is not finite or there is
     * no target to average over.
     */
    public Outcome apply(Objective.Sum total, double lr) {
        if (total.targets() == 0) {
            return new Outcome(Double.NaN, 0, false, false, 0);
        }
        double loss = total.loss() / total.targets();
        gradient.divi(total.targets());
        double norm = GradientClipping.clipByGlobalNorm(gradient, gradClip);
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            optimizer.update(params, gradient, lr);
        }
        return new Outcome(loss, norm, finite && gradClip > 0 && norm > gradClip, finite, total.targets());
    }

    /** The gradient buffer: after {@link #accumulate} the summed gradient, after {@link #apply} the clipped mean. */
    public INDArray gradient() {
        return gradient;
    }
}
