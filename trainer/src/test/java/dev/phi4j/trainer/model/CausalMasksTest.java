package dev.phi4j.trainer.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CausalMasksTest {

    private static final long FLOAT = 4;

    @Test
    void maskIsZeroUpToTheDiagonalAndMaskedAboveIt() {
        INDArray mask = new CausalMasks(1 << 20).get(3, DataType.DOUBLE);
        double m = TransformerBlock.MASKED;
        assertEquals(Nd4j.createFromArray(new double[][] {{0, m, m}, {0, 0, m}, {0, 0, 0}}), mask);
    }

    @Test
    void blocksOfOneLengthAndTypeShareOneMask() {
        CausalMasks masks = new CausalMasks(1 << 20);
        INDArray first = masks.get(8, DataType.FLOAT);

        assertSame(first, masks.get(8, DataType.FLOAT));
        assertNotSame(first, masks.get(8, DataType.DOUBLE));
        assertNotSame(first, masks.get(9, DataType.FLOAT));
    }

    @Test
    void leastRecentlyUsedMasksAreDroppedBeyondTheBudget() {
        long budget = (8 * 8 + 10 * 10) * FLOAT + 10;             // room for the 8 and the 10, not the 9 as well
        CausalMasks masks = new CausalMasks(budget);
        INDArray eight = masks.get(8, DataType.FLOAT);
        INDArray nine = masks.get(9, DataType.FLOAT);
        masks.get(8, DataType.FLOAT);                              // now the 9 is the least recently used
        masks.get(10, DataType.FLOAT);

        assertEquals((8 * 8 + 10 * 10) * FLOAT, masks.cachedBytes());
        assertSame(eight, masks.get(8, DataType.FLOAT));
        assertNotSame(nine, masks.get(9, DataType.FLOAT));      // rebuilt; the 10 is dropped in its turn
        assertTrue(masks.cachedBytes() <= budget, () -> masks.cachedBytes() + " bytes cached, budget " + budget);
        for (int length = 1; length <= 12; length++) {
            masks.get(length, DataType.FLOAT);
            assertTrue(masks.cachedBytes() <= budget, () -> masks.cachedBytes() + " bytes cached, budget " + budget);
        }
    }

    @Test
    void theNewestMaskStaysAloneWhenItExceedsTheBudget() {
        CausalMasks masks = new CausalMasks(8 * 8 * FLOAT);
        masks.get(8, DataType.FLOAT);
        INDArray large = masks.get(20, DataType.FLOAT);

        assertSame(large, masks.get(20, DataType.FLOAT));          // the blocks of one network still share it
        assertEquals(20 * 20 * FLOAT, masks.cachedBytes());        // and nothing else is kept
    }
}
