package dev.phi4j.bench.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.AdamW;
import dev.phi4j.trainer.train.DecayMask;
import dev.phi4j.trainer.train.PeakFlops;
import dev.phi4j.trainer.train.TrainStep;
import dev.phi4j.trainer.train.TrainerConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.List;

/**
 * Training throughput of one shape with the trainer's own step ({@link TrainStep}: forward, backward, global-norm
 * clip, AdamW) on fixed random tokens: the phi4j side of {@code phi4j bench train}. bench/torch_train.py is the same
 * model, optimizer and shape in PyTorch.
 */
public final class TrainBench {

    /** A model shape and micro-batch; {@code seq} is the context length. */
    public record Shape(int vocab, int dModel, int layers, int heads, int kvHeads, int ffn, int seq, int microBatch) {

        /** The shape A: vocab 8192, d_model 256, 4 layers, 4 heads, seq 256, micro-batch 8. */
        public static final Shape A = new Shape(8192, 256, 4, 4, 4, 704, 256, 8);

        public ModelConfig model() {
            return new ModelConfig(vocab, dModel, layers, heads, kvHeads, ffn, seq, 10_000, 1e-5);
        }
    }

    /**
     * @param peakRssBytes the process's peak resident set (VmHWM) after the run, JVM included
     * @param mfu          against {@code peak}
     */
    public record Result(double tokensPerSecond, double secondsPerStep, long peakRssBytes, double mfu, PeakFlops peak,
                         double firstLoss, double lastLoss, long parameters) {

        public double peakFlops() {
            return peak.flopsPerSecond();
        }

        public String peakSource() {
            return peak.source();
        }
    }

    private TrainBench() {}

    public static Result run(Shape shape, int warmupSteps, int timedSteps, boolean documentMasking) {
        ModelConfig model = shape.model();
        TrainerConfig.OptimizerConfig adamW = new TrainerConfig.OptimizerConfig(3e-4, 0.9, 0.95, 1e-8, 0.1);
        PhiDecoder.Masking masking = documentMasking ? PhiDecoder.Masking.DOCUMENTS : PhiDecoder.Masking.CAUSAL;
        ComputationGraph net = PhiDecoder.build(model, masking,
                new NeuralNetConfiguration.Builder().seed(1).updater(new NoOp()).weightDecay(0.1, true));
        TrainStep step = new TrainStep(net, new AdamW(adamW, DecayMask.of(net)), 1.0);
        List<MultiDataSet> batch = List.of(RandomBatch.of(model, masking, shape.microBatch(), 1));
        PeakFlops peak = PeakFlops.measure();

        double firstLoss = Double.NaN;
        for (int i = 0; i < warmupSteps; i++) {
            double loss = step.run(batch, 3e-4).loss();
            firstLoss = i == 0 ? loss : firstLoss;
        }
        long start = System.nanoTime();
        double lastLoss = Double.NaN;
        for (int i = 0; i < timedSteps; i++) {
            lastLoss = step.run(batch, 3e-4).loss();
        }
        double seconds = (System.nanoTime() - start) / 1e9 / timedSteps;
        double tokensPerSecond = (double) shape.microBatch() * shape.seq() / seconds;
        double mfu = tokensPerSecond * model.trainingFlopsPerToken(shape.seq()) / peak.flopsPerSecond();
        return new Result(tokensPerSecond, seconds, PeakRss.bytes(), mfu, peak, firstLoss, lastLoss,
                net.params().length());
    }
}
