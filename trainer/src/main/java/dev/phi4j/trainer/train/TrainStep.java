package dev.phi4j.trainer.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;

/**
 * One optimizer step: the gradient of the mean per-token loss over all micro-batches, clipped by its global norm,
 * applied by AdamW, unless the loss or the norm is not finite.
 *
 * <p>Loss scaling. DL4J's gradient is of the micro-batch's summed loss, Σ over rows and unmasked positions, while its
 * {@code score()} is that sum divided by the number of rows, plus the weight-decay penalty ½λ‖w‖² of the configured
 * regularization (which this trainer applies itself, decoupled). So each micro-batch adds
 * {@code (score − penalty) · rows} to the loss sum and its raw gradient to the accumulator, and the step divides both
 * by the total count of unmasked targets: every token of the global batch weighs the same however it is split into
 * micro-batches.
 *
 * <p>Public so that the training benchmark ({@code phi4j bench train}, in the bench module) times the very step the
 * trainer runs.
 */
public final class TrainStep {

    /** Called before each micro-batch's forward pass; tests use it to feed the real loop broken data. */
    @FunctionalInterface
    public interface MicroBatchHook {
        void beforeForward(long step, int microBatch, MultiDataSet batch);
    }

    public record Outcome(double loss, double gradNorm, boolean clipped, boolean applied) {}

    private final ComputationGraph net;
    private final AdamW optimizer;
    private final double gradClip;
    private final INDArray accumulated;

    public TrainStep(ComputationGraph net, AdamW optimizer, double gradClip) {
        this.net = net;
        this.optimizer = optimizer;
        this.gradClip = gradClip;
        this.accumulated = net.params().ulike();
    }

    public Outcome run(long step, List<MultiDataSet> microBatches, double lr, MicroBatchHook hook) {
        double penalty = net.calcRegularizationScore(true);       // the same for every micro-batch of the step
        double lossSum = 0;
        double targets = 0;
        accumulated.assign(0);
        for (int i = 0; i < microBatches.size(); i++) {
            MultiDataSet batch = microBatches.get(i);
            hook.beforeForward(step, i, batch);
            net.setInputs(batch.getFeatures());
            net.setLabels(batch.getLabels());
            net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
            net.computeGradientAndScore();
            lossSum += (net.score() - penalty) * batch.getFeatures(0).size(0);
            targets += MicroBatches.targets(batch);
            accumulated.addi(net.gradient().gradient());
            net.clearLayerMaskArrays();
        }
        double loss = lossSum / targets;
        accumulated.divi(targets);
        double norm = GradientClipping.clipByGlobalNorm(accumulated, gradClip);
        boolean finite = Double.isFinite(loss) && Double.isFinite(norm);
        if (finite) {
            optimizer.update(net.params(), accumulated, lr);
        }
        return new Outcome(loss, norm, finite && gradClip > 0 && norm > gradClip, finite);
    }

    /** The last step's gradient of the mean loss, after clipping. */
    INDArray gradient() {
        return accumulated;
    }

    /** Mean per-token loss of {@code batch} at the current weights, no gradient. */
    double meanLoss(MultiDataSet batch) {
        double penalty = net.calcRegularizationScore(true);
        double score = net.score(batch, false);
        return (score - penalty) * batch.getFeatures(0).size(0) / MicroBatches.targets(batch);
    }
}
