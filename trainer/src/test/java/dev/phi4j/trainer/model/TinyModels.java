package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.RopeScaling;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.Random;

/** Small shapes and inputs shared by the model tests. */
final class TinyModels {

    /** Grouped-query: 4 query heads share 2 kv heads; head_dim 2. Small enough to difference every weight. */
    static final ModelConfig GRADIENT_CHECK = new ModelConfig(11, 8, 2, 4, 2, 12, 5, 10_000, 1e-5);

    /** Grouped-query: 4 query heads share 2 kv heads; head_dim 4. */
    static final ModelConfig GQA = new ModelConfig(11, 16, 2, 4, 2, 12, 5, 10_000, 1e-5);

    /**
     * {@link #GQA} stretched as by midtraining with yarn (4 dimensions per head, so both of its frequencies are
     * touched: one blended, one interpolated), so the scaled tables and the attention factor are exercised.
     */
    static final ModelConfig YARN = GQA.withRopeScaling(new RopeScaling(RopeScaling.Kind.YARN, 4, 2, 0.3, 0.01));

    private TinyModels() {}

    /** Double precision, no updater: for exact comparisons and finite differences. */
    static ComputationGraph inDouble(ModelConfig config, PhiDecoder.Masking masking, long seed) {
        return PhiDecoder.build(config, masking, doubleTraining(seed));
    }

    static NeuralNetConfiguration.Builder doubleTraining(long seed) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).updater(new NoOp());
    }

    /** Uniform random token ids, (rows, length), as the graph takes them. */
    static INDArray randomTokens(int rows, int length, int vocab, long seed) {
        Random random = new Random(seed);
        double[][] ids = new double[rows][length];
        for (double[] row : ids) {
            for (int t = 0; t < length; t++) {
                row[t] = random.nextInt(vocab);
            }
        }
        return Nd4j.createFromArray(ids);
    }

    /** The graph's inputs: the tokens, then the segment ids where the network takes them. */
    static INDArray[] inputs(INDArray tokens, INDArray... otherInputs) {
        INDArray[] all = new INDArray[1 + otherInputs.length];
        all[0] = tokens;
        System.arraycopy(otherInputs, 0, all, 1, otherInputs.length);
        return all;
    }

    static double maxAbsDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    /** (rows, length) ids → the labels layout (rows, 1, length). */
    static INDArray asLabels(INDArray ids) {
        return ids.reshape(ids.size(0), 1, ids.size(1));
    }
}
