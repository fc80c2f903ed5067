package dev.phi4j.trainer.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;
import java.util.Map;

/**
 * Next-token cross-entropy over the unmasked targets, computed by the network's own LM head.
 *
 * <p>DL4J's gradient is of the micro-batch's summed loss, Σ over rows and unmasked positions, while its
 * {@code score()} is that sum divided by the number of rows, plus the weight-decay penalty ½λ‖w‖² of the configured
 * regularization (which the trainer's AdamW applies itself, decoupled). So the loss sum is
 * {@code (score − penalty) · rows}.
 */
public final class NextTokenCrossEntropy implements Objective {

    private final ComputationGraph net;

    public NextTokenCrossEntropy(ComputationGraph net) {
        this.net = net;
    }

    @Override
    public Sum accumulate(MultiDataSet microBatch, INDArray gradientSum) {
        double penalty = net.calcRegularizationScore(true);
        net.setInputs(microBatch.getFeatures());
        net.setLabels(microBatch.getLabels());
        net.setLayerMaskArrays(null, microBatch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        Sum sum = new Sum((net.score() - penalty) * rows(microBatch), MicroBatches.targets(microBatch));
        gradientSum.addi(net.gradient().gradient());
        net.clearLayerMaskArrays();
        return sum;
    }

    @Override
    public Sum evaluate(MultiDataSet microBatch) {
        double penalty = net.calcRegularizationScore(true);
        double score = net.score(microBatch, false);
        return new Sum((score - penalty) * rows(microBatch), MicroBatches.targets(microBatch));
    }

    /** {@code token_accuracy}: the share of targets whose most likely next token is the right one. */
    @Override
    public Map<String, Double> validationMetrics(List<MultiDataSet> microBatches) {
        TokenAccuracy.Count count = TokenAccuracy.Count.ZERO;
        for (MultiDataSet batch : microBatches) {
            count = count.plus(TokenAccuracy.of(net, batch));
        }
        return Map.of("token_accuracy", count.accuracy());
    }

    private static long rows(MultiDataSet microBatch) {
        return microBatch.getFeatures(0).size(0);
    }
}
