package dev.phi4j.bench.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Training throughput of the decoder on random tokens: forward, backward and an AdamW update per step
 * ({@code net.fit}), timed step by step after warm-up: the model alone, without the trainer's step that
 * {@link TrainBench} times. {@code DecoderThroughputBenchmark} reports it for trainer/README.md's per-step table.
 */
public final class ThroughputProbe {

    private ThroughputProbe() {}

    /**
     * @param stepSeconds        wall time of each timed step
     * @param tokensPerSecond    B·T over the median step
     * @param flopsPerSecond     achieved training FLOP/s by {@link ModelConfig#trainingFlopsPerToken} accounting
     * @param peakRssBytes       the process's peak resident set (VmHWM) after the run, -1 where /proc is missing
     * @param backend            ND4J's backend, native build and BLAS, e.g. "CPU linux-x86_64-onednn-avx512, OPENBLAS, 2 threads"
     */
    public record Result(ModelConfig model, PhiDecoder.Masking masking, int microBatch, List<Double> stepSeconds,
                         double tokensPerSecond, double flopsPerSecond, long peakRssBytes, String backend) {

        public double medianStepSeconds() {
            double[] sorted = stepSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int middle = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        @Override
        public String toString() {
            return String.format("%s, micro-batch %d x %d tokens: %.0f tokens/s (median of %d steps, %.3f s/step), "
                            + "%.1f GFLOP/s, peak RSS %s [%s]", masking, microBatch, model.contextLength(),
                    tokensPerSecond, stepSeconds.size(), medianStepSeconds(), flopsPerSecond / 1e9,
                    peakRssBytes < 0 ? "n/a" : (peakRssBytes >> 20) + " MiB", backend);
        }
    }

    /**
     * Builds the decoder (float32, AdamW: Adam 3e-4, decoupled weight decay 0.1), runs {@code warmupSteps} untimed
     * and {@code steps} timed steps on one random batch; {@code progress} hears each timed step's seconds.
     */
    public static Result measure(ModelConfig model, PhiDecoder.Masking masking, int microBatch, int warmupSteps,
                                 int steps, long seed, Consumer<Double> progress) {
        if (microBatch < 1 || steps < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("micro-batch and steps must be positive, warm-up not negative");
        }
        ComputationGraph net = PhiDecoder.build(model, masking, new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(new Adam(3e-4)).weightDecay(0.1, true));
        MultiDataSet batch = RandomBatch.of(model, masking, microBatch, seed);
        for (int i = 0; i < warmupSteps; i++) {
            net.fit(batch);
        }
        Double[] seconds = new Double[steps];
        for (int i = 0; i < steps; i++) {
            long start = System.nanoTime();
            net.fit(batch);
            seconds[i] = (System.nanoTime() - start) / 1e9;
            progress.accept(seconds[i]);
        }
        Result provisional = new Result(model, masking, microBatch, Arrays.asList(seconds), 0, 0, -1, "");
        double tokensPerSecond = (double) microBatch * model.contextLength() / provisional.medianStepSeconds();
        return new Result(model, masking, microBatch, provisional.stepSeconds(), tokensPerSecond,
                tokensPerSecond * model.trainingFlopsPerToken(model.contextLength()), PeakRss.bytes(), backend());
    }

    /** Which native build ND4J loaded: backend, BLAS vendor, threads and the libnd4j platform directory. */
    static String backend() {
        var info = Nd4j.getExecutioner().getEnvironmentInformation();
        String library = Loader.getLoadedLibraries().getOrDefault("jnind4jcpu", "");
        String platform = Path.of(library.isEmpty() ? "?" : library).getParent() == null ? "?"
                : Path.of(library).getParent().getFileName().toString();                 // e.g. linux-x86_64-onednn-avx512
        return info.get("backend") + " " + platform + ", " + info.get("blas.vendor") + ", " + info.get("omp.threads")
                + " threads";
    }
}
