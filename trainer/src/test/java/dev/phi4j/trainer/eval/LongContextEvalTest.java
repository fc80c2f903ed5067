package dev.phi4j.trainer.eval;

import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** The long-context tasks' logic, with stand-in models whose answers are known: a fake is right for logic. */
class LongContextEvalTest {

    private static final Tokenizer TOKENIZER = Phi4Tokenizer.instance();
    private static final int VOCAB = 50;

    /**
     * A model sure of {@code next(previous token)}, or uniform over its vocabulary when next is negative; greedily it
     * writes nothing.
     */
    private static ScoringModel model(IntUnaryOperator next, int maxLength) {
        return new ScoringModel() {
            @Override
            public String name() {
                return "scripted";
            }

            @Override
            public int maxLength() {
                return maxLength;
            }

            @Override
            public int[] encode(String text) {
                return TOKENIZER.encode(text);
            }

            @Override
            public String decode(int[] tokens) {
                return TOKENIZER.decode(tokens);
            }

            @Override
            public int endOfText() {
                return TOKENIZER.specialTokens().endOfText();
            }

            @Override
            public List<double[]> tokenLogProbs(List<int[]> sequences) {
                List<double[]> out = new ArrayList<>();
                for (int[] sequence : sequences) {
                    double[] logProbs = new double[sequence.length - 1];
                    for (int i = 0; i < logProbs.length; i++) {
                        int predicted = next.applyAsInt(sequence[i]);
                        logProbs[i] = predicted < 0 ? -Math.log(VOCAB)
                                : predicted == sequence[i + 1] ? 0 : Double.NEGATIVE_INFINITY;
                    }
                    out.add(logProbs);
                }
                return out;
            }

            @Override
            public List<String> greedy(List<int[]> prompts, int maxNewTokens) {
                return prompts.stream().map(prompt -> "").toList();
            }
        };
    }

    @Test
    void passkeyPromptsFitTheirLengthAndHideTheNeedleAtItsDepth() {
        for (int length : List.of(128, 1024, 4096)) {
            for (double depth : List.of(0.05, 0.5, 0.95)) {
                int[] prompt = Passkey.prompt(TOKENIZER::encode, length, depth, 48_213);
                String text = TOKENIZER.decode(prompt);
                assertTrue(prompt.length <= length - Passkey.ANSWER_TOKENS, length + ": " + prompt.length);
                assertTrue(prompt.length > length - Passkey.ANSWER_TOKENS - 40, "filled to the length: " + prompt.length);
                assertTrue(text.startsWith(Passkey.PREAMBLE) && text.endsWith(Passkey.QUESTION));
                int filler = text.length() - Passkey.PREAMBLE.length() - Passkey.needle(48_213).length()
                        - Passkey.QUESTION.length();
                double at = (double) (text.indexOf(Passkey.needle(48_213)) - Passkey.PREAMBLE.length()) / filler;
                assertEquals(depth, at, 0.5 * Passkey.FILLER.length() / filler + 1e-9,
                        "needle at " + at + " of the filler for depth " + depth + " at length " + length);
            }
        }
    }

    @Test
    void anAnswerIsRightWhenItsFirstNumberIsTheKey() {
        assertTrue(Passkey.correct(" 48213. Remember", 48213));
        assertFalse(Passkey.correct(" 4821", 48213));
        assertFalse(Passkey.correct(" 12 then 48213", 48213));
        assertFalse(Passkey.correct(" no idea", 48213));
    }

    @Test
    void aModelThatNeverAnswersScoresZero() {
        List<Passkey.Result> results = Passkey.run(model(previous -> -1, 1024), List.of(256, 512),
                List.of(0.05, 0.95), 2, 7);

        assertEquals(4, results.size());
        assertTrue(results.stream().allMatch(r -> r.correct() == 0 && r.trials() == 2));
    }

    @Test
    void perplexityByPositionIsOneForAPerfectPredictorAndTheVocabularyForAUniformOne() {
        int[] text = new int[200];
        for (int i = 0; i < text.length; i++) {
            text[i] = (i * 7) % VOCAB;
        }
        List<PositionPerplexity.Bucket> perfect = PositionPerplexity.run(model(previous -> (previous + 7) % VOCAB, 64),
                text, 64, 3, 4);
        List<PositionPerplexity.Bucket> uniform = PositionPerplexity.run(model(previous -> -1, 64), text, 64, 3, 4);

        assertEquals(4, perfect.size());
        assertEquals(List.of(0, 16, 32, 48), perfect.stream().map(PositionPerplexity.Bucket::from).toList());
        assertEquals(3L * 16, perfect.get(0).predictions(), "3 windows of 64 from 200 tokens");
        perfect.forEach(b -> assertEquals(1.0, b.perplexity(), 1e-9));
        uniform.forEach(b -> assertEquals(VOCAB, b.perplexity(), 1e-9));
        assertThrows(IllegalArgumentException.class, () -> PositionPerplexity.run(model(p -> -1, 300), text, 256, 1, 4));
    }
}
