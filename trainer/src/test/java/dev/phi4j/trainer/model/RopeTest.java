package dev.phi4j.trainer.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TransformerBlock#rope} on its own: one head of head_dim 16 over 12 positions, in double. */
class RopeTest {

    private static final int HEAD_DIM = 16;
    private static final int LENGTH = 12;

    @ParameterizedTest
    @ValueSource(doubles = {10_000, 250_000})
    void queryKeyScoresDependOnlyOnThePositionDifference(double theta) {
        double[] q = randomVector(1);
        double[] k = randomVector(2);
        INDArray scores = rotated(q, theta).mmul(rotated(k, theta).transpose()); // q at m · k at n

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
        INDArray rotated = rotated(x, theta);                                   // (T, head_dim)

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

    /** Backprop rotates gradients back: the inverse is the transpose of the rotation, which undoes it. */
    @Test
    void inverseRotationUndoesTheRotation() {
        TransformerBlock.RopeTable table = TransformerBlock.RopeTable.of(HEAD_DIM, 10_000, LENGTH, DataType.DOUBLE);
        TransformerBlock.Angles angles = table.range(0, LENGTH);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 1, LENGTH, 1, HEAD_DIM);
        INDArray there = Nd4j.create(DataType.DOUBLE, x.shape());
        INDArray back = Nd4j.create(DataType.DOUBLE, x.shape());

        TransformerBlock.rope(x, angles, there, false);
        TransformerBlock.rope(there, angles, back, true);

        assertEquals(0.0, TinyModels.maxAbsDifference(x, back), 1e-14);
        assertTrue(TinyModels.maxAbsDifference(x, there) > 1e-3);
    }

    @Test
    void documentPositionsCountEarlierTokensOfTheSameDocument() {
        double[][] segmentIds = {{0, 0, 0, 1, 1, 2, 2, 2}, {5, 5, 5, 5, 5, 5, 5, 5}};

        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 2, 3, 4, 5, 6, 7},
                SelfAttention.documentPositions(segmentIds));
    }

    /** x placed at every position 0..T-1 and rotated: (T, head_dim). */
    private static INDArray rotated(double[] x, double theta) {
        TransformerBlock.Angles angles =
                TransformerBlock.RopeTable.of(HEAD_DIM, theta, LENGTH, DataType.DOUBLE).range(0, LENGTH);
        INDArray atEveryPosition = Nd4j.createFromArray(x).reshape(1, 1, 1, HEAD_DIM).repeat(1, LENGTH);
        INDArray out = Nd4j.create(DataType.DOUBLE, 1, LENGTH, 1, HEAD_DIM);
        TransformerBlock.rope(atEveryPosition, angles, out, false);
        return out.reshape(LENGTH, HEAD_DIM);
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
