package dev.phi4j.core.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {

    @Test
    void phi4PresetIsTheReleasedShape() {
        ModelConfig phi4 = ModelPresets.PHI_4;
        assertEquals(40, phi4.nLayers());
        assertEquals(5120, phi4.dModel());
        assertEquals(40, phi4.nHeads());
        assertEquals(10, phi4.nKvHeads());
        assertEquals(17_920, phi4.ffnHidden());
        assertEquals(100_352, phi4.vocabSize());
        assertEquals(4096, phi4.contextLength());
        assertEquals(10_000, phi4.ropeTheta());
        assertEquals(128, phi4.headDim());
        assertEquals(1280, phi4.kvDim());
        assertEquals(16_384, ModelPresets.PHI_4_16K.contextLength());
        assertEquals(250_000, ModelPresets.PHI_4_16K.ropeTheta());
    }

    @Test
    void phi4ParameterCountMatchesAHandCountOfItsMatrices() {
        long embedding = 100_352L * 5120;
        long lmHead = 5120L * 100_352;
        long q = 5120L * 5120, k = 5120L * 1280, v = 5120L * 1280, o = 5120L * 5120;
        long gate = 5120L * 17_920, up = 5120L * 17_920, down = 17_920L * 5120;
        long norms = 2L * 5120;
        long expected = embedding + lmHead + 40 * (q + k + v + o + gate + up + down + norms) + 5120;
        assertEquals(14_659_507_200L, expected);
        assertEquals(expected, ModelPresets.PHI_4.parameterCount());
        assertEquals(14.7, Math.round(ModelPresets.PHI_4.parameterCount() / 1e8) / 10.0);
    }

    @Test
    void presetsHaveTheirAdvertisedScale() {
        assertTrue(ModelPresets.TINY.parameterCount() < 1_000_000, "tiny must train in seconds");
        long small = ModelPresets.SMALL.parameterCount();
        assertTrue(small > 10_000_000 && small < 100_000_000, "small has tens of millions: " + small);
        assertTrue(ModelPresets.SMALL.nKvHeads() < ModelPresets.SMALL.nHeads(), "small exercises GQA");
    }

    @Test
    void trainingFlopsFollowSixNPlusAttention() {
        ModelConfig tiny = ModelPresets.TINY;
        double expected = 6.0 * (tiny.parameterCount() - (long) tiny.vocabSize() * tiny.dModel())
                + 6.0 * tiny.nLayers() * 128 * tiny.dModel();
        assertEquals(expected, tiny.trainingFlopsPerToken(128));
    }

    @Test
    void invalidShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(100, 64, 2, 5, 5, 64, 16, 1e4, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(100, 64, 2, 4, 3, 64, 16, 1e4, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(100, 24, 2, 8, 8, 64, 16, 1e4, 1e-5));
    }
}
