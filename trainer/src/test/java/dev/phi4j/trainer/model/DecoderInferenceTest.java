package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KV-cache forward pass computes what the training graph computes, position by position. */
class DecoderInferenceTest {

    /** Grouped-query (4 query heads over 2 kv heads), 12 positions of context. */
    private static final ModelConfig CONFIG = new ModelConfig(23, 16, 2, 4, 2, 20, 12, 10_000, 1e-5);

    @Test
    void logitsOfChunksFedThroughTheCacheEqualTheGraphsLogits() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 41);
        INDArray tokens = TinyModels.randomTokens(2, CONFIG.contextLength(), CONFIG.vocabSize(), 42);
        INDArray expected = PhiDecoder.logits(net, tokens);                                  // (B, T, vocab)

        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache(2);
        int from = 0;
        for (int chunk : new int[] {3, 1, 1, 4, 2, 1}) {
            INDArray logits = decoder.logits(columns(tokens, from, from + chunk), cache);   // (B, chunk, vocab)
            assertEquals(0.0, TinyModels.maxAbsDifference(positions(expected, from, from + chunk), logits), 1e-12,
                    "positions " + from + ".." + (from + chunk - 1));
            from += chunk;
            assertEquals(from, cache.length());
        }
        assertEquals(CONFIG.contextLength(), from);
    }

    @Test
    void greedyContinuationWithTheCacheEqualsRecomputingTheWholePrefix() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 43);
        List<Integer> prompt = List.of(5, 17, 2);

        List<Integer> cached = new ArrayList<>(prompt);
        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache(1);
        INDArray next = decoder.lastLogits(row(prompt), cache);                             // (1, vocab)
        while (cached.size() < CONFIG.contextLength()) {
            int token = next.argMax(1).getInt(0);
            cached.add(token);
            if (cached.size() < CONFIG.contextLength()) {
                next = decoder.lastLogits(row(List.of(token)), cache);
            }
        }

        List<Integer> recomputed = new ArrayList<>(prompt);
        while (recomputed.size() < CONFIG.contextLength()) {
            List<Integer> padded = new ArrayList<>(recomputed);
            while (padded.size() < CONFIG.contextLength()) {
                padded.add(0);                                 // causal: later positions never change earlier ones
            }
            INDArray logits = PhiDecoder.logits(net, row(padded));
            recomputed.add(logits.get(NDArrayIndex.point(0), NDArrayIndex.point(recomputed.size() - 1),
                    NDArrayIndex.all()).argMax(0).getInt(0));
        }

        assertEquals(recomputed, cached);
        assertTrue(cached.subList(prompt.size(), cached.size()).stream().distinct().count() > 1,
                "a continuation of one repeated token would make the comparison weak");
    }

    @Test
    void aDocumentMaskedNetworkGeneratesAsOneDocument() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.DOCUMENTS, 44);
        INDArray tokens = TinyModels.randomTokens(1, CONFIG.contextLength(), CONFIG.vocabSize(), 45);
        INDArray oneDocument = Nd4j.zeros(DataType.DOUBLE, 1, CONFIG.contextLength());

        DecoderInference decoder = DecoderInference.of(net);
        INDArray logits = decoder.logits(tokens, decoder.newCache(1));

        assertEquals(0.0, TinyModels.maxAbsDifference(PhiDecoder.logits(net, tokens, oneDocument), logits), 1e-12);
    }

    @Test
    void truncatingTheCacheRewindsToAnEarlierPosition() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 46);
        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache(1);
        decoder.logits(row(List.of(1, 2, 3)), cache);
        INDArray first = decoder.lastLogits(row(List.of(4)), cache);

        decoder.logits(row(List.of(9, 9)), cache);
        cache.truncate(3);
        INDArray again = decoder.lastLogits(row(List.of(4)), cache);

        assertEquals(0.0, TinyModels.maxAbsDifference(first, again), 1e-15);
        assertEquals(4, cache.length());
    }

    @Test
    void badInputIsRefusedWithAReason() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 47);
        DecoderInference decoder = DecoderInference.of(net);
        KvCache small = decoder.newCache(1, 4);
        decoder.logits(row(List.of(1, 2, 3)), small);

        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> decoder.logits(row(List.of(4, 5)), small));
        assertTrue(full.getMessage().contains("3 of 4 positions"), full.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> decoder.logits(row(List.of(CONFIG.vocabSize())), decoder.newCache(1)));
        assertTrue(unknown.getMessage().contains("not an id of the vocabulary"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> decoder.newCache(1, CONFIG.contextLength() + 1));
    }

    private static INDArray row(List<Integer> tokens) {
        double[][] ids = new double[1][tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            ids[0][i] = tokens.get(i);
        }
        return Nd4j.createFromArray(ids);
    }

    private static INDArray columns(INDArray tokens, int from, int to) {
        return tokens.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup();
    }

    private static INDArray positions(INDArray logits, int from, int to) {
        return logits.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
