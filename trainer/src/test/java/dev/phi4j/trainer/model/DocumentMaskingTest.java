package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Packing: documents share a row but not attention. With RoPE positions restarting per document, a packed document
 * computes exactly what it computes at the start of a row of its own.
 */
class DocumentMaskingTest {

    private static final ModelConfig CONFIG = new ModelConfig(11, 16, 2, 4, 2, 12, 8, 10_000, 1e-5);

    @Test
    void secondPackedDocumentHasTheLogitsItHasAlone() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.DOCUMENTS, 11);
        double[] first = {3, 1, 4};
        double[] second = {1, 5, 9, 2, 6};
        double[] filler = {10, 10, 10};

        INDArray packed = PhiDecoder.logits(net, row(first, second), Nd4j.createFromArray(new double[][] {
                {0, 0, 0, 1, 1, 1, 1, 1}}));
        INDArray alone = PhiDecoder.logits(net, row(second, filler), Nd4j.createFromArray(new double[][] {
                {0, 0, 0, 0, 0, 1, 1, 1}}));

        assertEquals(0.0, TinyModels.maxAbsDifference(positions(packed, 3, 8), positions(alone, 0, 5)), 1e-12);
    }

    @Test
    void withOneDocumentPerRowDocumentMaskingIsPlainCausalAttention() {
        ComputationGraph causal = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 12);
        ComputationGraph masked = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.DOCUMENTS, 13);
        masked.setParams(causal.params());
        INDArray tokens = TinyModels.randomTokens(2, CONFIG.contextLength(), CONFIG.vocabSize(), 14);
        INDArray oneDocumentPerRow = Nd4j.createFromArray(new double[][] {
                {0, 0, 0, 0, 0, 0, 0, 0}, {7, 7, 7, 7, 7, 7, 7, 7}});

        assertEquals(0.0, TinyModels.maxAbsDifference(PhiDecoder.logits(causal, tokens),
                PhiDecoder.logits(masked, tokens, oneDocumentPerRow)), 1e-12);
    }

    private static INDArray row(double[] a, double[] b) {
        double[] tokens = new double[a.length + b.length];
        System.arraycopy(a, 0, tokens, 0, a.length);
        System.arraycopy(b, 0, tokens, a.length, b.length);
        return Nd4j.createFromArray(new double[][] {tokens});
    }

    private static INDArray positions(INDArray logits, int from, int to) {
        return logits.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
