package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.RopeScaling;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KV-cache forward pass computes what the training graph computes, position by position, sequence by sequence. */
class DecoderInferenceTest {

    /** Grouped-query (4 query heads over 2 kv heads), 12 positions of context. */
    private static final ModelConfig CONFIG = new ModelConfig(23, 16, 2, 4, 2, 20, 12, 10_000, 1e-5);

    @Test
    void sequencesOfDifferentLengthsFedInOneBatchMatchTheGraph() {
        matchesTheGraphChunkByChunk(CONFIG);
    }

    @Test
    void aYarnScaledModelDecodesChunkByChunkAsItsGraphComputes() {
        matchesTheGraphChunkByChunk(CONFIG.withRopeScaling(new RopeScaling(RopeScaling.Kind.YARN, 4, 3, 1, 0.1)));
    }

    private static void matchesTheGraphChunkByChunk(ModelConfig config) {
        ComputationGraph net = TinyModels.inDouble(config, PhiDecoder.Masking.CAUSAL, 41);
        INDArray tokens = TinyModels.randomTokens(3, config.contextLength(), config.vocabSize(), 42);
        INDArray expected = PhiDecoder.logits(net, tokens);                                  // (3, T, vocab)

        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache();
        int[] slots = {cache.open(), cache.open(), cache.open()};
        // Each forward carries every sequence, at different lengths: prompts, single tokens and longer chunks mixed.
        int[][] chunks = {{3, 1, 1, 4, 2, 1}, {1, 5, 1, 1, 3, 1}, {7, 1, 1, 1, 1, 1}};
        int[] fed = new int[3];
        for (int round = 0; round < chunks[0].length; round++) {
            List<DecoderInference.Chunk> batch = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                batch.add(new DecoderInference.Chunk(slots[s], ids(tokens, s, fed[s], fed[s] + chunks[s][round]), true));
            }
            List<INDArray> logits = decoder.forward(cache, batch);
            for (int s = 0; s < 3; s++) {
                int to = fed[s] + chunks[s][round];
                assertEquals(0.0, TinyModels.maxAbsDifference(positions(expected, s, fed[s], to), logits.get(s)), 1e-12,
                        "sequence " + s + ", positions " + fed[s] + ".." + (to - 1));
                fed[s] = to;
                assertEquals(to, cache.length(slots[s]));
            }
        }
        assertEquals(List.of(config.contextLength(), config.contextLength(), config.contextLength()),
                Arrays.stream(fed).boxed().toList());
    }

    @Test
    void promptsLongerThanAQueryBlockAreProcessedBlockByBlockAsTheGraphComputes() {
        ModelConfig config = CONFIG.withContext(2 * TransformerBlock.QUERY_BLOCK + 44, CONFIG.ropeTheta());
        ComputationGraph net = TinyModels.inDouble(config, PhiDecoder.Masking.CAUSAL, 43);
        INDArray tokens = TinyModels.randomTokens(2, config.contextLength(), config.vocabSize(), 44);
        INDArray expected = PhiDecoder.logits(net, tokens);
        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache();
        int[] slots = {cache.open(), cache.open()};
        int block = TransformerBlock.QUERY_BLOCK, length = config.contextLength();
        int[][] chunks = {{block + 72, 1, length - block - 73}, {3, length - 3, 0}};   // from position 0 and past it
        int[] fed = new int[2];
        for (int round = 0; round < 3; round++) {
            List<DecoderInference.Chunk> batch = new ArrayList<>();
            List<Integer> fedSlots = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                if (chunks[s][round] > 0) {
                    batch.add(new DecoderInference.Chunk(slots[s], ids(tokens, s, fed[s], fed[s] + chunks[s][round]),
                            true));
                    fedSlots.add(s);
                }
            }
            List<INDArray> logits = decoder.forward(cache, batch);
            for (int i = 0; i < fedSlots.size(); i++) {
                int s = fedSlots.get(i), to = fed[s] + chunks[s][round];
                assertEquals(0.0, TinyModels.maxAbsDifference(positions(expected, s, fed[s], to), logits.get(i)),
                        1e-12, "sequence " + s + ", positions " + fed[s] + ".." + (to - 1));
                fed[s] = to;
            }
        }
        assertEquals(List.of(config.contextLength(), config.contextLength()), Arrays.stream(fed).boxed().toList());
    }

    @Test
    void decodingInAnyOrderWithAnIdleSlotAndAReusedSlotMatchesTheGraph() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 49);
        INDArray tokens = TinyModels.randomTokens(4, CONFIG.contextLength(), CONFIG.vocabSize(), 44);
        INDArray expected = PhiDecoder.logits(net, tokens);

        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache();
        int[] slotOf = {cache.open(), cache.open(), cache.open(), -1};
        int[] fed = {2, 9, 4, 0};
        for (int s = 0; s < 3; s++) {
            decoder.forward(cache, List.of(new DecoderInference.Chunk(slotOf[s], ids(tokens, s, 0, fed[s]), false)));
        }
        // Slot order reversed, the middle sequence idle: its slot is in range of the batched attention but not fed.
        List<INDArray> step = decoder.forward(cache, List.of(
                new DecoderInference.Chunk(slotOf[2], ids(tokens, 2, 4, 5), false),
                new DecoderInference.Chunk(slotOf[0], ids(tokens, 0, 2, 3), false)));
        assertClose(expected, 2, 4, step.get(0));
        assertClose(expected, 0, 2, step.get(1));
        fed[2]++;
        fed[0]++;

        // The long sequence ends; a new, shorter one takes its slot, whose stale keys reach past the newcomer's length.
        cache.free(slotOf[1]);
        slotOf[3] = cache.open();
        assertEquals(slotOf[1], slotOf[3], "the lowest free slot is reused");
        decoder.forward(cache, List.of(new DecoderInference.Chunk(slotOf[3], ids(tokens, 3, 0, 3), false)));
        fed[3] = 3;
        for (int round = 0; round < 4; round++) {
            List<DecoderInference.Chunk> batch = new ArrayList<>();
            List<Integer> who = List.of(3, 0, 2);
            for (int s : who) {
                batch.add(new DecoderInference.Chunk(slotOf[s], ids(tokens, s, fed[s], fed[s] + 1), false));
            }
            List<INDArray> logits = decoder.forward(cache, batch);
            for (int i = 0; i < who.size(); i++) {
                int s = who.get(i);
                assertClose(expected, s, fed[s], logits.get(i));
                fed[s]++;
            }
        }
        assertEquals(7, cache.length(slotOf[3]));
    }

    @Test
    void greedyContinuationWithTheCacheEqualsRecomputingTheWholePrefix() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 43);
        List<Integer> prompt = List.of(5, 17, 2);

        List<Integer> cached = new ArrayList<>(prompt);
        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache();
        int slot = cache.open();
        int[] feed = prompt.stream().mapToInt(Integer::intValue).toArray();
        while (cached.size() < CONFIG.contextLength()) {
            INDArray next = decoder.forward(cache, List.of(new DecoderInference.Chunk(slot, feed, false))).get(0);
            int token = next.argMax(1).getInt(0);
            cached.add(token);
            feed = new int[] {token};
        }

        List<Integer> recomputed = new ArrayList<>(prompt);
        while (recomputed.size() < CONFIG.contextLength()) {
            double[][] padded = new double[1][CONFIG.contextLength()];   // causal: the zero padding changes nothing
            for (int i = 0; i < recomputed.size(); i++) {
                padded[0][i] = recomputed.get(i);
            }
            INDArray logits = PhiDecoder.logits(net, Nd4j.createFromArray(padded));
            recomputed.add(logits.get(NDArrayIndex.point(0), NDArrayIndex.point(recomputed.size() - 1),
                    NDArrayIndex.all()).argMax(0).getInt(0));
        }

        assertEquals(recomputed, cached);
        assertTrue(cached.subList(prompt.size(), cached.size()).stream().distinct().count() > 1,
                "a continuation of one repeated token would make the comparison weak");
    }

    @Test
    void aDocumentMaskedNetworkGeneratesAsOneDocument() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.DOCUMENTS, 46);
        INDArray tokens = TinyModels.randomTokens(1, CONFIG.contextLength(), CONFIG.vocabSize(), 47);
        INDArray oneDocument = Nd4j.zeros(DataType.DOUBLE, 1, CONFIG.contextLength());

        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache();
        INDArray logits = decoder.forward(cache, List.of(
                new DecoderInference.Chunk(cache.open(), ids(tokens, 0, 0, CONFIG.contextLength()), true))).get(0);

        INDArray expected = PhiDecoder.logits(net, tokens, oneDocument);
        assertEquals(0.0, TinyModels.maxAbsDifference(positions(expected, 0, 0, CONFIG.contextLength()), logits), 1e-12);
    }

    @Test
    void badInputIsRefusedWithAReasonAndChangesNothing() {
        ComputationGraph net = TinyModels.inDouble(CONFIG, PhiDecoder.Masking.CAUSAL, 48);
        DecoderInference decoder = DecoderInference.of(net);
        KvCache cache = decoder.newCache();
        int a = cache.open(), b = cache.open();
        decoder.forward(cache, List.of(new DecoderInference.Chunk(a, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, false)));

        IllegalArgumentException full = assertThrows(IllegalArgumentException.class, () -> decoder.forward(cache,
                List.of(new DecoderInference.Chunk(b, new int[] {1}, false),
                        new DecoderInference.Chunk(a, new int[] {4, 5, 6}, false))));
        assertTrue(full.getMessage().contains("would hold 13 tokens; the model's context is 12"), full.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> decoder.forward(cache,
                List.of(new DecoderInference.Chunk(b, new int[] {CONFIG.vocabSize()}, false))));
        assertTrue(unknown.getMessage().contains("outside the vocabulary"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> decoder.forward(cache,
                List.of(new DecoderInference.Chunk(b, new int[] {1}, false),
                        new DecoderInference.Chunk(b, new int[] {2}, false))));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
        cache.free(b);
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> decoder.forward(cache,
                List.of(new DecoderInference.Chunk(b, new int[] {1}, false))));
        assertTrue(closed.getMessage().contains("not open"), closed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DecoderInference.Chunk(a, new int[0], false));

        assertEquals(10, cache.length(a));
        assertEquals(b, cache.open(), "the freed slot comes back empty");
        assertEquals(0, cache.length(b));
    }

    /** Token ids {@code from..to-1} of row {@code row} of a (rows, T) id array. */
    private static int[] ids(INDArray tokens, int row, int from, int to) {
        return tokens.get(NDArrayIndex.point(row), NDArrayIndex.interval(from, to)).toIntVector();
    }

    /** Logits of row {@code row}, positions {@code from..to-1}: (to - from, vocab). */
    private static INDArray positions(INDArray logits, int row, int from, int to) {
        return logits.get(NDArrayIndex.point(row), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static void assertClose(INDArray expected, int row, int position, INDArray actual) {
        assertEquals(0.0, TinyModels.maxAbsDifference(positions(expected, row, position, position + 1), actual), 1e-12,
                "sequence " + row + ", position " + position);
    }
}
