package dev.phi4j.trainer.eval;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.TinyLm;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Held-out perplexity on the tiny preset against {@link PhiDecoder#logits} of the same windows, in double. */
class HeldOutPerplexityTest {

    private static final int CONTEXT = TinyLm.CONFIG.contextLength();

    private static ComputationGraph net;
    private static BpeTokenizer tokenizer;
    private static String text;

    @BeforeAll
    static void setUp() throws IOException {
        net = TinyLm.net(DataType.DOUBLE, PhiDecoder.Masking.CAUSAL, 5);
        tokenizer = TinyLm.tokenizer();
        String book = Files.readString(TinyLm.root().resolve("datasets/sample/books/notes-on-counting.txt"));
        // Long enough for three windows, the last one partial; with a multibyte character so bytes != chars.
        text = "Café — " + book.substring(0, 1200);
        int tokens = tokenizer.encode(text).length;
        assertTrue(tokens > 2 * CONTEXT && tokens < 3 * CONTEXT, tokens + " tokens");
    }

    @Test
    void perplexityIsExpOfTheMeanNllOfEveryTokenOverNonOverlappingWindows() {
        HeldOutPerplexity.Result result = HeldOutPerplexity.run(scoring(net), text, CONTEXT, 2);
        int[] sequence = withEndOfText(tokenizer.encode(text));
        double nll = 0;
        int predicted = 0;
        for (int begin = 0; begin < sequence.length - 1; begin += CONTEXT) {
            int end = Math.min(begin + CONTEXT, sequence.length - 1);
            INDArray logits = TinyLm.referenceLogits(net, Arrays.copyOfRange(sequence, begin, end), 0);
            for (int p = begin; p < end; p++) {
                nll -= TinyLm.referenceLogSoftmax(logits.getRow(p - begin))[sequence[p + 1]];
                predicted++;
            }
        }
        assertEquals(sequence.length - 1, predicted);
        assertEquals(predicted, result.tokens());
        assertEquals(3, result.windows());
        assertEquals(nll, result.nll(), 1e-9 * nll);
        assertEquals(Math.exp(nll / predicted), result.perplexity(), 1e-9 * result.perplexity());
    }

    @Test
    void bitsPerByteIsTheNllInBitsOverTheUtf8Bytes() {
        HeldOutPerplexity.Result result = HeldOutPerplexity.run(scoring(net), text, CONTEXT, 4);
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes > text.length(), "the text has multibyte characters");
        assertEquals(bytes, result.bytes());
        assertEquals(result.nll() / Math.log(2) / bytes, result.bitsPerByte(), 1e-12);
        // bits per byte = log2(perplexity) · tokens per byte, the identity that links the two measures.
        assertEquals(Math.log(result.perplexity()) / Math.log(2) * result.tokens() / bytes, result.bitsPerByte(), 1e-9);
    }

    @Test
    void aStrideGivesEachLaterTokenAtLeastContextMinusStrideTokensOfContext() {
        int stride = 48;
        HeldOutPerplexity.Result result = HeldOutPerplexity.run(scoring(net), text, stride, 3);
        int[] sequence = withEndOfText(tokenizer.encode(text));
        Map<Integer, INDArray> windows = new HashMap<>();
        double nll = 0;
        for (int p = 0; p < sequence.length - 1; p++) {
            // The earliest window holding p whose end passes every position scored before: from that start on.
            int begin = p < CONTEXT ? 0 : ((p - CONTEXT) / stride + 1) * stride;
            assertTrue(p < CONTEXT || p - begin >= CONTEXT - stride, "position " + p);
            int from = begin;
            INDArray logits = windows.computeIfAbsent(begin, b -> TinyLm.referenceLogits(net,
                    Arrays.copyOfRange(sequence, from, Math.min(from + CONTEXT, sequence.length - 1)), 0));
            nll -= TinyLm.referenceLogSoftmax(logits.getRow(p - begin))[sequence[p + 1]];
        }
        assertEquals(sequence.length - 1, result.tokens());
        assertEquals(nll, result.nll(), 1e-9 * nll);
        assertEquals(windows.size(), result.windows());
    }

    @Test
    void badInputIsRefused() {
        ScoringModel model = scoring(net);
        assertThrows(IllegalArgumentException.class, () -> HeldOutPerplexity.run(model, "", CONTEXT, 1));
        assertThrows(IllegalArgumentException.class, () -> HeldOutPerplexity.run(model, text, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> HeldOutPerplexity.run(model, text, CONTEXT + 1, 1));
    }

    /**
     * An untrained model is close to uniform over its vocabulary, so it pays about log2(V) bits per token: bits per
     * byte ≈ log2(V) / (bytes per token). Per token, -log p(y) - ln V = (logsumexp(z) - ln V - mean z) - (z_y - mean z):
     * with logits of standard deviation σ across the vocabulary the first term is about σ²/2 and the second is of
     * order σ with either sign; it does not average away over the tokens, because an untrained model's hidden states
     * vary little, so a frequent token keeps much the same logit all along the text. Hence a tolerance of σ nats per
     * token, σ measured from the model's own logits (≈ 0.16 here: 0.12 bits per byte, 2% of the 5.2 expected).
     * Bits counted in nats (×1.44) or a trained model fall far outside.
     */
    @Test
    void anUntrainedModelOnTinyShakespeareIsNearUniform() throws IOException {
        String shakespeare = Files.readString(SharedData.find("datasets/tinyshakespeare/input.txt")).substring(0, 2000);
        ComputationGraph untrained = TinyLm.net(DataType.FLOAT, PhiDecoder.Masking.DOCUMENTS, 9);
        HeldOutPerplexity.Result result = HeldOutPerplexity.run(scoring(untrained), shakespeare,
                CONTEXT, 4);
        double bytesPerToken = (double) result.bytes() / result.tokens();
        double uniform = Math.log(TinyLm.CONFIG.vocabSize()) / Math.log(2) / bytesPerToken;

        int[] sequence = withEndOfText(tokenizer.encode(shakespeare));
        INDArray logits = TinyLm.referenceLogits(untrained, Arrays.copyOf(sequence, CONTEXT), 0)
                .castTo(DataType.DOUBLE);
        double sigma = logits.std(1).meanNumber().doubleValue();
        assertTrue(sigma < 0.5, "untrained logits should be small, σ = " + sigma);

        assertEquals(uniform, result.bitsPerByte(), sigma / Math.log(2) / bytesPerToken,
                "σ = " + sigma + ", " + bytesPerToken + " bytes/token");
    }

    private static int[] withEndOfText(int[] tokens) {
        int[] out = new int[tokens.length + 1];
        out[0] = tokenizer.specialTokens().endOfText();
        System.arraycopy(tokens, 0, out, 1, tokens.length);
        return out;
    }

    private static ScoringModel scoring(ComputationGraph graph) {
        return new CheckpointScoring(new KvCacheModel(graph), tokenizer, "tiny", 2);
    }
}
