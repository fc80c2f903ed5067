package dev.phi4j.trainer.eval;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.LanguageModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** The long-context tasks' logic, with stand-in models whose answers are known: a fake is right for logic. */
class LongContextEvalTest {

    private static final Tokenizer TOKENIZER = Phi4Tokenizer.instance();
    private static final int VOCAB = 50;

    /** A model that puts all its mass on {@code next(previous token)}, or spreads it evenly when next is negative. */
    private static LanguageModel model(IntUnaryOperator next, int context) {
        ModelConfig config = new ModelConfig(VOCAB, 8, 1, 2, 2, 8, context, 10_000, 1e-5);
        return new LanguageModel() {
            @Override
            public ModelConfig config() {
                return config;
            }

            @Override
            public State newSequence() {
                return new State() {
                    @Override
                    public int length() {
                        return 0;
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public List<INDArray> forward(List<Feed> feeds) {
                List<INDArray> out = new ArrayList<>();
                for (Feed feed : feeds) {
                    int[] tokens = feed.tokens();
                    int rows = feed.allPositions() ? tokens.length : 1;
                    INDArray logits = Nd4j.zeros(DataType.DOUBLE, rows, VOCAB);
                    for (int r = 0; r < rows; r++) {
                        int previous = tokens[feed.allPositions() ? r : tokens.length - 1];
                        int predicted = next.applyAsInt(previous);
                        if (predicted >= 0) {
                            logits.putScalar(r, predicted, 100);
                        }
                    }
                    out.add(logits);
                }
                return out;
            }
        };
    }

    @Test
    void passkeyPromptsFitTheirLengthAndHideTheNeedleAtItsDepth() {
        for (int length : List.of(128, 1024, 4096)) {
            for (double depth : List.of(0.05, 0.5, 0.95)) {
                int[] prompt = Passkey.prompt(TOKENIZER, length, depth, 48_213);
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
        List<Passkey.Result> results = Passkey.run(model(previous -> -1, 1024), TOKENIZER, List.of(256, 512),
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
