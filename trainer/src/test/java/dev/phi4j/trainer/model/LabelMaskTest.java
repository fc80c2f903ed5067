package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Padding and prompts stay out of the loss: positions with label mask 0 contribute nothing. */
class LabelMaskTest {

    @Test
    void maskedPositionsContributeNothingToLossOrGradient() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.GQA, PhiDecoder.Masking.CAUSAL, 31);
        INDArray tokens = TinyModels.randomTokens(2, 5, 11, 32);
        INDArray labels = TinyModels.asLabels(TinyModels.randomTokens(2, 5, 11, 33));
        INDArray otherLabelsWhereMasked = labels.dup();
        otherLabelsWhereMasked.putScalar(0, 0, 3, (labels.getDouble(0, 0, 3) + 1) % 11);
        otherLabelsWhereMasked.putScalar(1, 0, 4, (labels.getDouble(1, 0, 4) + 1) % 11);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 1, 0, 1}, {1, 1, 1, 1, 0}});

        Backprop masked = backprop(net, tokens, labels, mask);
        Backprop maskedWithOtherLabels = backprop(net, tokens, otherLabelsWhereMasked, mask);
        Backprop unmasked = backprop(net, tokens, otherLabelsWhereMasked, null);

        assertEquals(masked.score(), maskedWithOtherLabels.score(), 1e-12);
        assertEquals(0.0, TinyModels.maxAbsDifference(masked.gradient(), maskedWithOtherLabels.gradient()), 1e-12);
        assertNotEquals(masked.score(), unmasked.score(), 1e-6);
    }

    private record Backprop(INDArray gradient, double score) {}

    private static Backprop backprop(ComputationGraph net, INDArray tokens, INDArray labels, INDArray mask) {
        MultiDataSet batch = new MultiDataSet(new INDArray[] {tokens}, new INDArray[] {labels}, null,
                mask == null ? null : new INDArray[] {mask});
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        Backprop result = new Backprop(net.gradient().gradient().dup(), net.score());
        net.clearLayerMaskArrays();
        return result;
    }
}
