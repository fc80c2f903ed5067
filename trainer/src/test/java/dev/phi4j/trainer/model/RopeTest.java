package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PhiDecoder#rope} on its own: one head of head_dim 16 over 12 positions, in double. */
class RopeTest {

    private static final int HEAD_DIM = 16;
    private static final int LENGTH = 12;

    @ParameterizedTest
    @ValueSource(doubles = {10_000, 250_000})
    void queryKeyScoresDependOnlyOnThePositionDifference(double theta) {
        double[] q = randomVector(1);
        double[] k = randomVector(2);
        INDArray scores = rotated(q, theta).mmul(rotated(k, theta).transpose());   // (T, T): q at m · k at n

        for (int m = 0; m < LENGTH; m++) {
            for (int n = 0; n < LENGTH; n++) {
                for (int shift = 1; m + shift < LENGTH && n + shift < LENGTH; shift++) {
                    assertEquals(scores.getDouble(m, n), scores.getDouble(m + shift, n + shift), 1e-12,
                            "score(" + m + ", " + n + ") vs score shifted by " + shift);
                }
            }
        }
        assertTrue(Math.abs(scores.getDouble(0, 0) - scores.getDouble(LENGTH - 1, 0)) > 1e-3,
                "scores should change with the distance, or the check above proves nothing");
    }

    @Test
    void ropeRotatesEachPairOfHalvesByPositionTimesInverseFrequency() {
        double theta = 10_000;
        double[] x = randomVector(3);
        INDArray rotated = rotated(x, theta);                                          // (T, head_dim)

        int half = HEAD_DIM / 2;
        for (int position = 0; position < LENGTH; position++) {
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(theta, -2.0 * i / HEAD_DIM);
                double first = x[i] * Math.cos(angle) - x[i + half] * Math.sin(angle);
                double second = x[i + half] * Math.cos(angle) + x[i] * Math.sin(angle);
                assertEquals(first, rotated.getDouble(position, i), 1e-12);
                assertEquals(second, rotated.getDouble(position, i + half), 1e-12);
            }
        }
    }

    @Test
    void documentPositionsRestartAtZeroInEachDocument() {
        ModelConfig shape = oneHead(10_000);
        SameDiff sd = SameDiff.create();
        INDArray segmentIds = Nd4j.createFromArray(new double[][] {{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}});
        INDArray documentCos = PhiDecoder.documents(sd.constant(segmentIds), shape).cos().eval()
                .reshape(LENGTH, HEAD_DIM);
        INDArray causalCos = PhiDecoder.causal(sd, DataType.DOUBLE, shape).cos().eval();   // positions 0..T-1

        for (int t = 0; t < LENGTH; t++) {
            int positionInDocument = t < 5 ? t : t - 5;
            assertEquals(causalCos.getRow(positionInDocument), documentCos.getRow(t), "position " + t);
        }
    }

    /** x placed at every position 0..T-1 and rotated: (T, head_dim). */
    private static INDArray rotated(double[] x, double theta) {
        SameDiff sd = SameDiff.create();
        PhiDecoder.AttentionLayout layout = PhiDecoder.causal(sd, DataType.DOUBLE, oneHead(theta));
        INDArray atEveryPosition = Nd4j.createFromArray(x).reshape(1, 1, 1, HEAD_DIM).repeat(2, LENGTH);
        SDVariable out = PhiDecoder.rope(sd.constant(atEveryPosition), layout.cos(), layout.sin(), HEAD_DIM);
        return out.eval().reshape(LENGTH, HEAD_DIM);
    }

    private static ModelConfig oneHead(double theta) {
        return new ModelConfig(2, HEAD_DIM, 1, 1, 1, 1, LENGTH, theta, 1e-5);
    }

    private static double[] randomVector(long seed) {
        Random random = new Random(seed);
        double[] v = new double[HEAD_DIM];
        for (int i = 0; i < HEAD_DIM; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}
