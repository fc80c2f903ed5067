package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss and gradient of a step are the mean over every unmasked target of the global batch, however it is cut into
 * micro-batches: DL4J's score (sum / rows + weight-decay penalty) and raw gradient (of the sum) are rescaled right.
 */
class AccumulationTest {

    private static final int T = TrainFixtures.MODEL.contextLength();
    private static final TrainerConfig CONFIG = TrainFixtures.trainer("{grad_clip: 0}");

    @Test
    void twoMicroBatchesOfFourEqualOneBatchOfEight() {
        List<TokenRow> rows = rows(8, 11);
        ComputationGraph split = net();
        ComputationGraph whole = net();
        TrainStep splitStep = new TrainStep(split, new AdamW(CONFIG.optimizer(), DecayMask.of(split)), 0);
        TrainStep wholeStep = new TrainStep(whole, new AdamW(CONFIG.optimizer(), DecayMask.of(whole)), 0);

        TrainStep.Outcome a = splitStep.run(List.of(batch(rows.subList(0, 4)), batch(rows.subList(4, 8))), 1e-3);
        TrainStep.Outcome b = wholeStep.run(List.of(batch(rows)), 1e-3);

        assertEquals(b.loss(), a.loss(), 1e-6 * b.loss());
        assertEquals(b.gradNorm(), a.gradNorm(), 1e-5 * b.gradNorm());
        double largest = split.params().sub(whole.params()).amaxNumber().doubleValue();
        // Float rounding of the two sums: a weight whose gradient (~2e-10) is far below AdamW's eps 1e-8 moves by
        // lr·g/eps, so a few percent of rounding in g shows as ~1e-6 (measured 1.03e-6 with the hand-written blocks).
        assertTrue(largest < 5e-6, "parameters differ by up to " + largest);
    }

    @Test
    void twoWorkersSummingTheirGradientsBeforeTheUpdateEqualOneStep() {
        List<TokenRow> rows = rows(8, 13);
        ComputationGraph single = net();
        ComputationGraph first = net();
        ComputationGraph second = net();
        TrainStep singleStep = new TrainStep(single, new AdamW(CONFIG.optimizer(), DecayMask.of(single)), 1.0);
        TrainStep firstStep = new TrainStep(first, new AdamW(CONFIG.optimizer(), DecayMask.of(first)), 1.0);
        TrainStep secondStep = new TrainStep(second, new AdamW(CONFIG.optimizer(), DecayMask.of(second)), 1.0);
        INDArray before = first.params().dup();

        TrainStep.Outcome expected = singleStep.run(List.of(batch(rows.subList(0, 4)), batch(rows.subList(4, 8))), 1e-3);
        Objective.Sum firstSum = firstStep.accumulate(List.of(batch(rows.subList(0, 4))));
        Objective.Sum secondSum = secondStep.accumulate(List.of(batch(rows.subList(4, 8))));
        assertEquals(before, first.params(), "accumulating changes no weight");
        firstStep.gradient().addi(secondStep.gradient());
        TrainStep.Outcome combined = firstStep.apply(firstSum.plus(secondSum), 1e-3);

        assertEquals(expected.loss(), combined.loss(), 1e-6 * expected.loss());
        assertEquals(expected.gradNorm(), combined.gradNorm(), 1e-5 * expected.gradNorm());
        assertEquals(expected.clipped(), combined.clipped());
        double largest = single.params().sub(first.params()).amaxNumber().doubleValue();
        assertTrue(largest < 5e-6, "parameters differ by up to " + largest);
    }

    @Test
    void lossIsTheMeanCrossEntropyOfTheUnmaskedTargetsAndTheGradientIsItsGradient() {
        List<TokenRow> rows = rows(4, 12);
        ComputationGraph net = net();
        MultiDataSet batch = batch(rows);
        double reference = meanCrossEntropy(net, batch);
        TrainStep step = new TrainStep(net, new AdamW(CONFIG.optimizer(), DecayMask.of(net)), 0);
        assertEquals(reference, meanLoss(net, batch), 1e-5 * reference);

        TrainStep.Outcome outcome = step.run(List.of(batch(rows.subList(0, 1)), batch(rows.subList(1, 4))), 0.0);
        assertEquals(reference, outcome.loss(), 1e-5 * reference);

        // lr 0 left the weights alone; the directional derivative along the gradient must be its norm.
        INDArray direction = step.gradient().div(outcome.gradNorm());
        double epsilon = 1e-2;
        net.params().addi(direction.mul(epsilon));
        double up = meanLoss(net, batch);
        net.params().subi(direction.mul(2 * epsilon));
        double down = meanLoss(net, batch);
        double slope = (up - down) / (2 * epsilon);
        assertEquals(outcome.gradNorm(), slope, 0.02 * outcome.gradNorm());
    }

    /** The objective's mean per-target loss at the current weights, as a step's loss is. */
    private static double meanLoss(ComputationGraph net, MultiDataSet batch) {
        Objective.Sum sum = new NextTokenCrossEntropy(net).evaluate(batch);
        return sum.loss() / sum.targets();
    }

    /** −log softmax(logits)[label], averaged over positions whose mask is 1, in double from the graph's logits. */
    private static double meanCrossEntropy(ComputationGraph net, MultiDataSet batch) {
        INDArray logits = PhiDecoder.logits(net, batch.getFeatures());              // (B, T, vocab)
        INDArray labels = batch.getLabels(0);
        INDArray mask = batch.getLabelsMaskArray(0);
        double sum = 0;
        double count = 0;
        for (int b = 0; b < logits.size(0); b++) {
            for (int t = 0; t < T; t++) {
                if (mask.getDouble(b, t) == 0) {
                    continue;
                }
                double[] row = logits.get(NDArrayIndex.point(b),
                        NDArrayIndex.point(t),
                        NDArrayIndex.all()).toDoubleVector();
                double max = Arrays.stream(row).max().orElseThrow();
                double logSum = Math.log(Arrays.stream(row).map(x -> Math.exp(x - max)).sum()) + max;
                sum += logSum - row[(int) labels.getDouble(b, 0, t)];
                count++;
            }
        }
        return sum / count;
    }

    private static ComputationGraph net() {
        return PhiDecoder.build(TrainFixtures.MODEL, PhiDecoder.Masking.DOCUMENTS,
                new NeuralNetConfiguration.Builder().seed(9).updater(new NoOp()).weightDecay(0.1, true));
    }

    private static MultiDataSet batch(List<TokenRow> rows) {
        return MicroBatches.of(rows, T, PhiDecoder.Masking.DOCUMENTS);
    }

    /** Random rows with two documents each and loss masks of uneven density, so micro-batches differ in targets. */
    private static List<TokenRow> rows(int count, long seed) {
        Random random = new Random(seed);
        List<TokenRow> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            int[] tokens = random.ints(T + 1, 0, TrainFixtures.VOCAB).toArray();
            boolean[] mask = new boolean[T + 1];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextDouble() < (r < count / 2 ? 0.9 : 0.3);
            }
            mask[T] = true;
            rows.add(new TokenRow(tokens, new int[] {0, 3 + random.nextInt(T - 4)}, mask));
        }
        return rows;
    }
}
