package dev.phi4j.trainer.eval;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.TinyLm;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A checkpoint's scoring against {@link PhiDecoder#logits} of the same tokens, whatever the batching. */
class CheckpointScoringTest {

    private static final ComputationGraph NET = TinyLm.net(DataType.DOUBLE, PhiDecoder.Masking.CAUSAL, 21);
    private static final BpeTokenizer TOKENIZER = TinyLm.tokenizer();
    private static final List<int[]> PROMPTS = List.of(TOKENIZER.encode("The lighthouse keeper counted"),
            TOKENIZER.encode("one, two"), TOKENIZER.encode("Notes on counting: the ships came in at dawn and"));

    @Test
    void greedyWritesTheArgmaxOfTheGraphAndBatchingChangesNothing() {
        int newTokens = 5;
        List<String> batched = new CheckpointScoring(new KvCacheModel(NET), TOKENIZER, "tiny", 3).greedy(PROMPTS,
                newTokens);
        CheckpointScoring single = new CheckpointScoring(new KvCacheModel(NET), TOKENIZER, "tiny", 1);
        for (int p = 0; p < PROMPTS.size(); p++) {
            int[] sequence = PROMPTS.get(p);
            for (int i = 0; i < newTokens; i++) {
                int next = TinyLm.referenceLogits(NET, sequence, 0).getRow(sequence.length - 1).argMax().getInt(0);
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = next;
            }
            String expected = TOKENIZER.decode(Arrays.copyOfRange(sequence, PROMPTS.get(p).length, sequence.length));
            assertEquals(expected, batched.get(p), "prompt " + p);
            assertEquals(expected, single.greedy(List.of(PROMPTS.get(p)), newTokens).get(0));
        }
    }

    @Test
    void tokenLogProbsAreTheGraphsLogSoftmaxAtTheNextToken() {
        List<double[]> scored = new CheckpointScoring(new KvCacheModel(NET), TOKENIZER, "tiny", 2)
                .tokenLogProbs(PROMPTS);
        for (int p = 0; p < PROMPTS.size(); p++) {
            int[] tokens = PROMPTS.get(p);
            var logits = TinyLm.referenceLogits(NET, tokens, 0);
            assertEquals(tokens.length - 1, scored.get(p).length);
            for (int i = 0; i + 1 < tokens.length; i++) {
                assertEquals(TinyLm.referenceLogSoftmax(logits.getRow(i))[tokens[i + 1]], scored.get(p)[i], 1e-9);
            }
        }
    }
}
