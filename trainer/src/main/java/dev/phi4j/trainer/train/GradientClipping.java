package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Clipping by the global L2 norm over every parameter at once, as PyTorch's {@code clip_grad_norm_}. */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Scales {@code gradient} in place by {@code maxNorm / (norm + 1e-6)} when that is below 1; {@code maxNorm} 0
     * leaves it alone. Returns the norm before clipping.
     */
    public static double clipByGlobalNorm(INDArray gradient, double maxNorm) {
        double norm = gradient.norm2Number().doubleValue();
        if (maxNorm > 0 && Double.isFinite(norm)) {
            double scale = maxNorm / (norm + 1e-6);
            if (scale < 1) {
                gradient.muli(scale);
            }
        }
        return norm;
    }
}
