package dev.phi4j.bench.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** The one batch the training benchmarks step on: speed does not depend on the data, so random tokens do. */
final class RandomBatch {

    private RandomBatch() {}

    /** {@code rows} sequences of uniform random tokens and labels; with document masking, documents of 100 tokens. */
    static MultiDataSet of(ModelConfig model, PhiDecoder.Masking masking, int rows, long seed) {
        int t = model.contextLength();
        Random random = new Random(seed);
        float[][] tokens = new float[rows][t];
        float[][][] labels = new float[rows][1][t];
        float[][] segments = new float[rows][t];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < t; i++) {
                tokens[row][i] = random.nextInt(model.vocabSize());
                labels[row][0][i] = random.nextInt(model.vocabSize());
                segments[row][i] = i / 100;
            }
        }
        INDArray[] features = masking == PhiDecoder.Masking.DOCUMENTS
                ? new INDArray[] {Nd4j.createFromArray(tokens), Nd4j.createFromArray(segments)}
                : new INDArray[] {Nd4j.createFromArray(tokens)};
        return new MultiDataSet(features, new INDArray[] {Nd4j.createFromArray(labels)});
    }
}
