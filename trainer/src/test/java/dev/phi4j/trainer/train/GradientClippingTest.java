package dev.phi4j.trainer.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GradientClippingTest {

    @Test
    void gradientAboveTheMaxIsScaledToItsGlobalNorm() {
        INDArray gradient = Nd4j.createFromArray(3.0, 0.0, -4.0, 12.0);          // norm 13
        assertEquals(13.0, GradientClipping.clipByGlobalNorm(gradient, 1.0), 1e-12);
        double scale = 1.0 / (13.0 + 1e-6);
        assertArrayEquals(new double[] {3 * scale, 0, -4 * scale, 12 * scale}, gradient.toDoubleVector(), 1e-12);
        assertEquals(1.0, gradient.norm2Number().doubleValue(), 1e-6);
    }

    @Test
    void gradientBelowTheMaxOrWithClippingOffIsLeftAlone() {
        INDArray small = Nd4j.createFromArray(0.3, -0.4);                         // norm 0.5
        assertEquals(0.5, GradientClipping.clipByGlobalNorm(small, 1.0), 1e-12);
        assertArrayEquals(new double[] {0.3, -0.4}, small.toDoubleVector(), 0.0);

        INDArray large = Nd4j.createFromArray(30.0, -40.0);
        assertEquals(50.0, GradientClipping.clipByGlobalNorm(large, 0.0), 1e-12);
        assertArrayEquals(new double[] {30, -40}, large.toDoubleVector(), 0.0);
    }
}
