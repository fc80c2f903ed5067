package dev.phi4j.core.model;

import dev.phi4j.core.config.InvalidConfigValue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Each RoPE scaling against its closed form, for a 64-dimensional head, θ = 10,000, 1,024 → 4,096 tokens. */
class RopeScalingTest {

    private static final int HEAD_DIM = 64;
    private static final double THETA = 10_000;
    private static final int CONTEXT = 4096;

    private static double plain(int j) {
        return Math.pow(THETA, -2.0 * j / HEAD_DIM);
    }

    @Test
    void noneIsThetaAlone() {
        double[] frequencies = RopeScaling.NONE.inverseFrequencies(HEAD_DIM, THETA, CONTEXT);
        for (int j = 0; j < HEAD_DIM / 2; j++) {
            assertEquals(plain(j), frequencies[j], 1e-15);
        }
        assertEquals(1.0, RopeScaling.NONE.attentionScale());
    }

    @Test
    void linearInterpolationDividesEveryFrequencyByTheFactor() {
        double[] frequencies = new RopeScaling(RopeScaling.Kind.LINEAR, 4, 1024, 32, 1)
                .inverseFrequencies(HEAD_DIM, THETA, CONTEXT);
        for (int j = 0; j < HEAD_DIM / 2; j++) {
            assertEquals(plain(j) / 4, frequencies[j], 1e-15, "dimension " + j);
        }
    }

    @Test
    void ntkRaisesTheBaseByTheFactorToTheDOverDMinusTwo() {
        double base = THETA * Math.pow(4, HEAD_DIM / (HEAD_DIM - 2.0));
        double[] frequencies = new RopeScaling(RopeScaling.Kind.NTK, 4, 1024, 32, 1)
                .inverseFrequencies(HEAD_DIM, THETA, CONTEXT);
        for (int j = 0; j < HEAD_DIM / 2; j++) {
            assertEquals(Math.pow(base, -2.0 * j / HEAD_DIM), frequencies[j], 1e-15, "dimension " + j);
        }
        assertEquals(1.0, frequencies[0], "the fastest dimension is not touched");
        assertEquals(plain(HEAD_DIM / 2 - 1) / 4, frequencies[HEAD_DIM / 2 - 1], plain(HEAD_DIM / 2 - 1) * 0.05,
                "the slowest is close to interpolated");
    }

    @Test
    void yarnKeepsFastDimensionsInterpolatesSlowOnesAndRampsBetweenByRotations() {
        RopeScaling yarn = new RopeScaling(RopeScaling.Kind.YARN, 4, 1024, 32, 1);
        double[] frequencies = yarn.inverseFrequencies(HEAD_DIM, THETA, CONTEXT);
        int kept = 0;
        int interpolated = 0;
        int blended = 0;
        for (int j = 0; j < HEAD_DIM / 2; j++) {
            double rotations = 1024 * plain(j) / (2 * Math.PI);
            if (rotations >= 32) {
                assertEquals(plain(j), frequencies[j], 1e-15, "dimension " + j + " turns " + rotations + " times");
                kept++;
            } else if (rotations <= 1) {
                assertEquals(plain(j) / 4, frequencies[j], 1e-15, "dimension " + j + " turns " + rotations + " times");
                interpolated++;
            } else {
                double gamma = (rotations - 1) / 31;
                assertEquals((1 - gamma) * plain(j) / 4 + gamma * plain(j), frequencies[j], 1e-15, "dimension " + j);
                blended++;
            }
        }
        assertTrue(kept > 0 && interpolated > 0 && blended > 0, kept + " / " + blended + " / " + interpolated);
        assertEquals(0.1 * Math.log(4) + 1, yarn.attentionScale(), 1e-15);
    }

    @Test
    void yarnMeasuresRotationsAgainstContextOverFactorWhenNoOriginalLengthIsGiven() {
        assertArrayEquals(new RopeScaling(RopeScaling.Kind.YARN, 4, 1024, 32, 1).inverseFrequencies(HEAD_DIM, THETA,
                CONTEXT), new RopeScaling(RopeScaling.Kind.YARN, 4, 0, 32, 1).inverseFrequencies(HEAD_DIM, THETA,
                CONTEXT), 0);
    }

    @Test
    void aFactorWithoutAKindAndAnEmptyRampAreErrors() {
        assertThrows(InvalidConfigValue.class, () -> new RopeScaling(RopeScaling.Kind.NONE, 4, 0, 32, 1));
        assertThrows(InvalidConfigValue.class, () -> new RopeScaling(RopeScaling.Kind.YARN, 4, 0, 1, 1));
    }
}
