package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Backprop through the whole network against central finite differences of the loss, in double precision, for every
 * entry of every parameter array (embedding, each block's q/k/v/o, gate/up/down and norm gains, final norm, head).
 * Our own differences rather than DL4J's GradientCheckUtil: it reports failures only through a logger, and a
 * failure here should say which parameter is wrong.
 */
class DecoderGradientTest {

    private static final double STEP = 1e-5;
    private static final double RELATIVE_TOLERANCE = 1e-4;
    private static final double ABSOLUTE_TOLERANCE = 1e-8;

    @Test
    void causalGqaGradientsMatchFiniteDifferences() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.GRADIENT_CHECK, PhiDecoder.Masking.CAUSAL, 1);
        INDArray tokens = TinyModels.randomTokens(2, 5, 11, 2);
        INDArray labels = TinyModels.asLabels(TinyModels.randomTokens(2, 5, 11, 3));

        assertEquals(List.of(), mismatches(net, new MultiDataSet(new INDArray[] {tokens}, new INDArray[] {labels})));
    }

    @Test
    void documentMaskedGqaGradientsMatchFiniteDifferences() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.GRADIENT_CHECK, PhiDecoder.Masking.DOCUMENTS, 1);
        INDArray tokens = TinyModels.randomTokens(2, 5, 11, 2);
        INDArray segmentIds = Nd4j.createFromArray(new double[][] {{0, 0, 1, 1, 1}, {4, 4, 4, 7, 9}});
        INDArray labels = TinyModels.asLabels(TinyModels.randomTokens(2, 5, 11, 3));

        assertEquals(List.of(), mismatches(net,
                new MultiDataSet(new INDArray[] {tokens, segmentIds}, new INDArray[] {labels})));
    }

    @Test
    void yarnScaledRopeGradientsMatchFiniteDifferences() {
        ComputationGraph net = TinyModels.inDouble(TinyModels.YARN, PhiDecoder.Masking.CAUSAL, 4);
        INDArray tokens = TinyModels.randomTokens(2, 5, 11, 5);
        INDArray labels = TinyModels.asLabels(TinyModels.randomTokens(2, 5, 11, 6));

        assertEquals(List.of(), mismatches(net, new MultiDataSet(new INDArray[] {tokens}, new INDArray[] {labels})));
    }

    /** "param[index]: backprop a vs finite differences n" for every entry that disagrees. */
    private static List<String> mismatches(ComputationGraph net, MultiDataSet batch) {
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
        // DL4J's gradient is of the minibatch's summed loss; score() is that sum over the minibatch size.
        long minibatch = batch.getFeatures(0).size(0);
        Map<String, INDArray> backprop = net.gradient().gradientForVariable();

        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, INDArray> param : net.paramTable().entrySet()) {
            INDArray values = param.getValue();
            INDArray analytic = backprop.get(param.getKey()).dup();
            for (long i = 0; i < values.length(); i++) {
                // Coordinates, not linear indices: DL4J's own layers keep their weights in 'f' order.
                long[] at = Shape.ind2subC(values.shape(), i);
                double original = values.getDouble(at);
                values.putScalar(at, original + STEP);
                double up = net.score(batch, false);
                values.putScalar(at, original - STEP);
                double down = net.score(batch, false);
                values.putScalar(at, original);

                double numeric = (up - down) / (2 * STEP);
                double a = analytic.getDouble(at) / minibatch;
                if (Math.abs(a - numeric) > RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(numeric))
                        + ABSOLUTE_TOLERANCE) {
                    mismatches.add(param.getKey() + Arrays.toString(at) + ": backprop " + a + " vs finite differences " + numeric);
                }
            }
        }
        return mismatches;
    }
}
