package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput on shape A (vocab 8192, d_model 256, 4 layers, 4 heads, ffn 704, T 256, B 8, AdamW), the
 * numbers behind trainer/README.md. Not a test: run it on purpose, on a quiet machine, with
 * {@code mvn -o -pl core,trainer test -Dtest=DecoderThroughputBenchmark -Dphi4j.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "phi4j.benchmark", matches = "true")
class DecoderThroughputBenchmark {

    private static final ModelConfig SHAPE_A = new ModelConfig(8192, 256, 4, 4, 4, 704, 256, 10_000, 1e-5);
    private static final int BATCH = 8;
    private static final int WARMUP_STEPS = 2;
    private static final int TIMED_STEPS = 5;

    @Test
    void computationGraphWithCausalAttention() {
        ComputationGraph net = PhiDecoder.build(SHAPE_A, PhiDecoder.Masking.CAUSAL, adamW());
        MultiDataSet batch = batch(false);
        report("ComputationGraph, causal", () -> net.fit(batch));
    }

    @Test
    void computationGraphWithDocumentMasking() {
        ComputationGraph net = PhiDecoder.build(SHAPE_A, PhiDecoder.Masking.DOCUMENTS, adamW());
        MultiDataSet batch = batch(true);
        report("ComputationGraph, document masking", () -> net.fit(batch));
    }

    /** The same block math in one SameDiff graph trained by sd.fit; one-hot matmul embedding, log-softmax loss. */
    @Test
    void pureSameDiff() {
        SameDiff sd = pureSameDiffModel();
        MultiDataSet batch = batch(false);
        MultiDataSet flatLabels = new MultiDataSet(batch.getFeatures(),
                new INDArray[] {batch.getLabels(0).reshape(BATCH, SHAPE_A.contextLength())});
        report("pure SameDiff", () -> sd.fit(flatLabels));
    }

    private static NeuralNetConfiguration.Builder adamW() {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(3e-4)).weightDecay(0.1, true);
    }

    private static SameDiff pureSameDiffModel() {
        ModelConfig c = SHAPE_A;
        int t = c.contextLength(), d = c.dModel(), vocab = c.vocabSize();
        SameDiff sd = SameDiff.create();
        SDVariable tokens = sd.placeHolder("tokens", DataType.FLOAT, -1, t);
        SDVariable labels = sd.placeHolder("labels", DataType.FLOAT, -1, t);
        SDVariable embedding = sd.var("embedding", normal(0.02, vocab, d));
        SDVariable x = sd.oneHot(tokens.castTo(DataType.INT32), vocab).reshape(-1, vocab).mmul(embedding)
                .reshape(-1, t, d).permute(0, 2, 1);                                       // (B, d_model, T)
        PhiDecoder.AttentionLayout layout = PhiDecoder.causal(sd, DataType.FLOAT, c);
        DecoderBlock shapes = new DecoderBlock(c, PhiDecoder.Masking.CAUSAL);
        for (int layer = 0; layer < c.nLayers(); layer++) {
            Map<String, SDVariable> params = new LinkedHashMap<>();
            int index = layer;
            shapes.getVertexParams().getParamShapes().forEach((name, shape) ->
                    params.put(name, sd.var(name + index, normal(0.02, shape))));
            x = PhiDecoder.block(x, layout, PhiDecoder.BlockWeights.of(params), c);
        }
        SDVariable rows = PhiDecoder.rmsNorm(x.permute(0, 2, 1).reshape(-1, d),
                sd.var("finalNorm", Nd4j.ones(DataType.FLOAT, d)), c.normEps());             // (B*T, d_model)
        SDVariable logits = rows.mmul(sd.var("lmHead", normal(0.02, d, vocab)));          // (B*T, vocab)
        SDVariable target = sd.oneHot(labels.castTo(DataType.INT32), vocab).reshape(-1, vocab);
        sd.nn.logSoftmax(logits).mul(target).sum(1).mean().neg().rename("loss");
        sd.setLossVariables("loss");
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(3e-4)).regularization(new WeightDecay(0.1, true))
                .dataSetFeatureMapping("tokens").dataSetLabelMapping("labels").build());
        return sd;
    }

    private static INDArray normal(double std, long... shape) {
        return Nd4j.randn(DataType.FLOAT, shape).muli(std);
    }

    private static MultiDataSet batch(boolean withSegments) {
        int t = SHAPE_A.contextLength();
        Random random = new Random(1);
        INDArray tokens = Nd4j.create(DataType.FLOAT, BATCH, t);
        INDArray labels = Nd4j.create(DataType.FLOAT, BATCH, 1, t);
        INDArray segments = Nd4j.create(DataType.FLOAT, BATCH, t);
        for (int row = 0; row < BATCH; row++) {
            for (int i = 0; i < t; i++) {
                tokens.putScalar(row, i, random.nextInt(SHAPE_A.vocabSize()));
                labels.putScalar(row, 0, i, random.nextInt(SHAPE_A.vocabSize()));
                segments.putScalar(row, i, i / 100);                // documents of 100 tokens
            }
        }
        INDArray[] features = withSegments ? new INDArray[] {tokens, segments} : new INDArray[] {tokens};
        return new MultiDataSet(features, new INDArray[] {labels});
    }

    private static void report(String what, Runnable step) {
        for (int i = 0; i < WARMUP_STEPS; i++) {
            step.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < TIMED_STEPS; i++) {
            step.run();
        }
        double seconds = (System.nanoTime() - start) / 1e9 / TIMED_STEPS;
        System.out.printf("%s: %.2f s/step, %.0f tokens/s%n", what, seconds,
                BATCH * SHAPE_A.contextLength() / seconds);
    }
}
