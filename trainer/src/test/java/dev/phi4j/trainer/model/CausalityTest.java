package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CausalityTest {

    @Test
    void changingALaterTokenNeverChangesEarlierLogits() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.GQA, PhiDecoder.Masking.CAUSAL, 7);
        assertLaterTokensInvisible(net, TinyModels.randomTokens(2, 5, 11, 8));
    }

    @Test
    void changingALaterTokenNeverChangesEarlierLogitsUnderDocumentMasking() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.GQA, PhiDecoder.Masking.DOCUMENTS, 7);
        INDArray segmentIds = Nd4j.createFromArray(new double[][] {{0, 0, 0, 0, 0}, {3, 3, 5, 5, 5}});
        assertLaterTokensInvisible(net, TinyModels.randomTokens(2, 5, 11, 8), segmentIds);
    }

    @Test
    void logitsAreWhatTheGraphSoftmaxes() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.GQA, PhiDecoder.Masking.CAUSAL, 7);
        INDArray tokens = TinyModels.randomTokens(2, 5, 11, 8);

        INDArray logits = PhiDecoder.logits(net, tokens).reshape(10, 11);                  // (B*T, vocab)
        INDArray probabilities = net.outputSingle(tokens).permute(0, 2, 1).dup().reshape(10, 11);

        assertEquals(0.0, TinyModels.maxAbsDifference(Transforms.softmax(logits), probabilities), 1e-12);
    }

    /** For every t: replace token t+1; positions 0..t keep their logits, position t+1's change. */
    private static void assertLaterTokensInvisible(ComputationGraph net, INDArray tokens, INDArray... otherInputs) {
        int length = (int) tokens.size(1);
        INDArray before = PhiDecoder.logits(net, TinyModels.inputs(tokens, otherInputs));
        for (int t = 0; t + 1 < length; t++) {
            INDArray changed = tokens.dup();
            for (int row = 0; row < changed.size(0); row++) {
                changed.putScalar(row, t + 1, (changed.getDouble(row, t + 1) + 1) % 11);
            }
            INDArray after = PhiDecoder.logits(net, TinyModels.inputs(changed, otherInputs));

            assertEquals(0.0, TinyModels.maxAbsDifference(positions(before, 0, t + 1), positions(after, 0, t + 1)),
                    1e-12, "logits at positions <= " + t + " changed with token " + (t + 1));
            assertTrue(TinyModels.maxAbsDifference(positions(before, t + 1, t + 2), positions(after, t + 1, t + 2))
                    > 1e-6, "token " + (t + 1) + " did not reach its own logits");
        }
    }

    /** logits (B, T, vocab) at positions [from, to). */
    private static INDArray positions(INDArray logits, int from, int to) {
        return logits.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
