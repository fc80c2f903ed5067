package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cached forward computes {@link PhiDecoder#logits}, whatever the chunking of a sequence and the batch. */
class KvCacheModelTest {

    /** Grouped-query: 4 query heads over 2 kv heads, head_dim 4, 2 layers, context 40. */
    private static final ModelConfig GQA = new ModelConfig(50, 16, 2, 4, 2, 24, 40, 10_000, 1e-5);

    @Test
    void prefillThenStepsMatchTheFullForwardInDouble() {
        for (PhiDecoder.Masking masking : PhiDecoder.Masking.values()) {
            ComputationGraph net = net(GQA, masking, DataType.DOUBLE, 1);
            int[] tokens = randomTokens(GQA.contextLength(), GQA.vocabSize(), 2);
            INDArray reference = reference(net, GQA, tokens);                                  // (T, vocab)

            KvCacheModel model = new KvCacheModel(net);
            LanguageModel.State state = model.newSequence();
            INDArray prefill = model.forward(List.of(new LanguageModel.Feed(state, Arrays.copyOf(tokens, 7), true)))
                    .get(0);
            assertClose(reference.get(NDArrayIndex.interval(0, 7), NDArrayIndex.all()), prefill, 1e-10, masking);
            for (int position = 7; position < tokens.length; position++) {
                INDArray step = model.forward(List.of(new LanguageModel.Feed(state, new int[] {tokens[position]},
                        false))).get(0);
                assertClose(reference.getRow(position).reshape(1, GQA.vocabSize()), step, 1e-10, masking);
            }
            assertEquals(GQA.contextLength(), state.length());
        }
    }

    @Test
    void sequencesOfOneBatchDoNotSeeEachOther() {
        ComputationGraph net = net(GQA, PhiDecoder.Masking.CAUSAL, DataType.DOUBLE, 3);
        KvCacheModel model = new KvCacheModel(net);
        int[][] sequences = {randomTokens(12, 50, 4), randomTokens(5, 50, 5), randomTokens(20, 50, 6)};
        // Grow the three caches in different chunks, all three in each forward.
        int[][] chunks = {{4, 8}, {5, 0}, {1, 19}};
        List<LanguageModel.State> states = List.of(model.newSequence(), model.newSequence(), model.newSequence());
        int[] fed = new int[3];
        List<INDArray> last = new ArrayList<>(List.of(Nd4j.empty(), Nd4j.empty(), Nd4j.empty()));
        for (int round = 0; round < 2; round++) {
            List<LanguageModel.Feed> feeds = new ArrayList<>();
            List<Integer> who = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                int n = chunks[s][round];
                if (n > 0) {
                    feeds.add(new LanguageModel.Feed(states.get(s), Arrays.copyOfRange(sequences[s], fed[s], fed[s] + n),
                            true));
                    who.add(s);
                    fed[s] += n;
                }
            }
            List<INDArray> logits = model.forward(feeds);
            for (int i = 0; i < who.size(); i++) {
                last.set(who.get(i), logits.get(i));
            }
        }
        for (int s = 0; s < 3; s++) {
            INDArray reference = reference(net, GQA, sequences[s]);
            int n = (int) last.get(s).size(0);
            assertClose(reference.get(NDArrayIndex.interval(sequences[s].length - n, sequences[s].length),
                    NDArrayIndex.all()), last.get(s), 1e-10, "sequence " + s);
        }
    }

    @Test
    void decodingInAnyOrderWithReusedSlotsMatchesTheFullForward() {
        ComputationGraph net = net(GQA, PhiDecoder.Masking.CAUSAL, DataType.DOUBLE, 12);
        KvCacheModel model = new KvCacheModel(net);
        int[][] sequences = new int[6][];
        for (int s = 0; s < sequences.length; s++) {
            sequences[s] = randomTokens(30, 50, 20 + s);
        }
        // Five sequences decode together from different prompt lengths; the second ends early and a sixth takes its
        // slot; feeds arrive in a different order each step.
        List<LanguageModel.State> states = new ArrayList<>();
        int[] fed = new int[sequences.length];
        int[] prompts = {3, 9, 2, 6, 4, 5};
        List<Integer> live = new ArrayList<>(List.of(0, 1, 2, 3, 4));
        for (int s = 0; s < sequences.length; s++) {
            states.add(s < 5 ? model.newSequence() : null);
        }
        for (int s : live) {
            model.forward(List.of(new LanguageModel.Feed(states.get(s), Arrays.copyOf(sequences[s], prompts[s]), false)));
            fed[s] = prompts[s];
        }
        Random shuffle = new Random(1);
        java.util.Map<String, INDArray> cached = new java.util.HashMap<>();      // "sequence:position" -> logits
        for (int step = 0; step < 20; step++) {
            if (step == 5) {
                states.get(1).close();
                live.remove(Integer.valueOf(1));
                states.set(5, model.newSequence());
                model.forward(List.of(new LanguageModel.Feed(states.get(5), Arrays.copyOf(sequences[5], prompts[5]),
                        false)));
                fed[5] = prompts[5];
                live.add(5);
            }
            java.util.Collections.shuffle(live, shuffle);
            List<LanguageModel.Feed> feeds = new ArrayList<>();
            for (int s : live) {
                feeds.add(new LanguageModel.Feed(states.get(s), new int[] {sequences[s][fed[s]]}, false));
            }
            List<INDArray> logits = model.forward(feeds);
            for (int i = 0; i < live.size(); i++) {
                int s = live.get(i);
                cached.put(s + ":" + fed[s], logits.get(i));
                fed[s]++;
            }
        }
        for (int s = 0; s < sequences.length; s++) {
            INDArray reference = reference(net, GQA, Arrays.copyOf(sequences[s], fed[s]));
            for (int position = prompts[s]; position < fed[s]; position++) {
                assertClose(reference.getRow(position).reshape(1, 50), cached.get(s + ":" + position), 1e-10,
                        "sequence " + s + " position " + position);
            }
        }
        assertEquals(5 * 20, cached.size(), "five sequences decode at every step");
    }

    @Test
    void theTinyPresetInFloatMatchesToRounding() {
        ComputationGraph net = TinyLm.net(DataType.FLOAT, PhiDecoder.Masking.DOCUMENTS, 7);
        int[] tokens = randomTokens(100, TinyLm.CONFIG.vocabSize(), 8);        // the cache grows from 64 to 100
        INDArray reference = reference(net, TinyLm.CONFIG, tokens);
        KvCacheModel model = new KvCacheModel(net);
        LanguageModel.State state = model.newSequence();
        model.forward(List.of(new LanguageModel.Feed(state, Arrays.copyOf(tokens, 60), false)));
        for (int position = 60; position < 100; position++) {
            INDArray step = model.forward(List.of(new LanguageModel.Feed(state, new int[] {tokens[position]}, false)))
                    .get(0);
            assertClose(reference.getRow(position).reshape(1, TinyLm.CONFIG.vocabSize()), step, 2e-5, position);
        }
    }

    @Test
    void aFeedBeyondTheContextIsRefusedBeforeAnythingChanges() {
        KvCacheModel model = new KvCacheModel(net(GQA, PhiDecoder.Masking.CAUSAL, DataType.FLOAT, 9));
        LanguageModel.State state = model.newSequence();
        model.forward(List.of(new LanguageModel.Feed(state, randomTokens(39, 50, 1), false)));
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> model.forward(List.of(new LanguageModel.Feed(state, new int[] {1, 2}, false))));
        assertTrue(failure.getMessage().contains("context is 40"), failure.getMessage());
        assertEquals(39, state.length());
        assertThrows(IllegalArgumentException.class,
                () -> model.forward(List.of(new LanguageModel.Feed(state, new int[] {50}, false))));
    }

    @Test
    void aClosedSequenceOrAnotherModelsSequenceIsRefused() {
        ComputationGraph net = net(GQA, PhiDecoder.Masking.CAUSAL, DataType.FLOAT, 10);
        KvCacheModel model = new KvCacheModel(net);
        LanguageModel.State closed = model.newSequence();
        closed.close();
        closed.close();                                                        // closing twice is harmless
        assertThrows(IllegalStateException.class,
                () -> model.forward(List.of(new LanguageModel.Feed(closed, new int[] {1}, false))));
        LanguageModel.State foreign = new KvCacheModel(net).newSequence();
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> model.forward(List.of(new LanguageModel.Feed(foreign, new int[] {1}, false))));
        assertTrue(failure.getMessage().contains("not opened by this model"), failure.getMessage());
    }

    private static ComputationGraph net(ModelConfig config, PhiDecoder.Masking masking, DataType dataType, long seed) {
        return PhiDecoder.build(config, masking,
                new NeuralNetConfiguration.Builder().seed(seed).dataType(dataType).updater(new NoOp()));
    }

    /** {@link PhiDecoder#logits} of the sequence padded to the context: (length, vocab). */
    private static INDArray reference(ComputationGraph net, ModelConfig config, int[] tokens) {
        int t = config.contextLength();
        double[][] padded = new double[1][t];
        for (int i = 0; i < tokens.length; i++) {
            padded[0][i] = tokens[i];
        }
        DataType dataType = net.params().dataType();
        INDArray input = Nd4j.createFromArray(padded).castTo(dataType);
        INDArray logits = net.getConfiguration().getNetworkInputs().size() == 2
                ? PhiDecoder.logits(net, input, Nd4j.zeros(dataType, 1, t)) : PhiDecoder.logits(net, input);
        return logits.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, tokens.length), NDArrayIndex.all());
    }

    private static int[] randomTokens(int length, int vocab, long seed) {
        Random random = new Random(seed);
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return tokens;
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, Object what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what.toString());
        double scale = expected.amaxNumber().doubleValue();
        double difference = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber()
                .doubleValue();
        assertTrue(difference <= relative * scale, what + ": max difference " + difference + " at scale " + scale);
    }
}
