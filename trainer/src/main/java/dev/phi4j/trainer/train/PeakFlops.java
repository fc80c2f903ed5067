package dev.phi4j.trainer.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * The FLOP/s that model FLOPs utilisation (MFU) is measured against: either a configured figure (a GPU's datasheet
 * peak, say) or a measurement of this machine: the fastest of a few fp32 1024×1024×1024 matrix multiplies through
 * ND4J's BLAS, on the threads ND4J uses. A measured GEMM peak is below the datasheet peak, so MFU against it reads
 * higher than against a datasheet; the source string says which one a run used.
 */
public record PeakFlops(double flopsPerSecond, String source) {

    private static final int N = 1024;
    private static final int ROUNDS = 10;

    public static PeakFlops of(TrainerConfig config) {
        if (config.peakFlops() > 0) {
            return new PeakFlops(config.peakFlops(), "configured (trainer.peak_flops)");
        }
        return measure();
    }

    public static PeakFlops measure() {
        INDArray a = Nd4j.rand(DataType.FLOAT, N, N);
        INDArray b = Nd4j.rand(DataType.FLOAT, N, N);
        INDArray c = Nd4j.create(DataType.FLOAT, N, N);
        long fastest = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS + 2; round++) {
            long start = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            long elapsed = System.nanoTime() - start;
            if (round >= 2) {
                fastest = Math.min(fastest, elapsed);
            }
        }
        double flops = 2.0 * N * N * N / (fastest / 1e9);
        return new PeakFlops(flops, String.format(Locale.ROOT, "measured: fastest of %d fp32 %d³ GEMMs via ND4J on "
                + "%d threads at start (%.1f GFLOP/s)", ROUNDS, N, Runtime.getRuntime().availableProcessors(),
                flops / 1e9));
    }
}
