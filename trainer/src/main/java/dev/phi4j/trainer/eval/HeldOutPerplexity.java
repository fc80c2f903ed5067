package dev.phi4j.trainer.eval;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity and bits per byte of a held-out text, every token scored once (lm-eval's {@code loglikelihood_rolling}).
 *
 * <p>The text is encoded whole and preceded by {@code <|endoftext|>}, the document boundary the model was trained
 * on, so that its first token is predicted too and the scored tokens cover exactly the text's UTF-8 bytes. Windows of
 * at most the model's context are read from position 0 and advance by {@code stride} tokens; each scores only the
 * tokens no earlier window scored. With {@code stride} equal to the context the windows do not overlap (lm-eval's
 * choice: one forward per context of tokens, but a window's first tokens see little context); a smaller stride gives
 * every token after the first window at least {@code context - stride} tokens of context, at {@code context / stride}
 * times the compute (the Hugging Face perplexity guide's sliding window). Perplexity depends on the tokenizer; bits
 * per byte does not, which is what makes models with different vocabularies comparable.
 */
public final class HeldOutPerplexity {

    /**
     * @param tokens      tokens scored (the text's, not counting {@code <|endoftext|>})
     * @param bytes       UTF-8 bytes of the text
     * @param nll         total negative log-likelihood, nats
     * @param perplexity  exp(nll / tokens)
     * @param bitsPerByte nll / (ln 2 · bytes)
     * @param windows     windows read (one model sequence each)
     */
    public record Result(long tokens, long bytes, double nll, double perplexity, double bitsPerByte, int windows,
                         double seconds) {

        public double meanNll() {
            return nll / tokens;
        }
    }

    private HeldOutPerplexity() {}

    /**
     * @param stride            tokens each window after the first advances by, 1..the model's {@link
     *                          ScoringModel#maxLength()} (equal to it: no overlap)
     * @param windowsPerRequest windows handed to the model at once
     * @throws IllegalArgumentException on an empty text or a bad stride
     */
    public static Result run(ScoringModel model, String text, int stride, int windowsPerRequest) {
        long start = System.nanoTime();
        int context = model.maxLength();
        if (stride < 1 || stride > context) {
            throw new IllegalArgumentException("stride " + stride + " is outside 1.." + context + " (the context)");
        }
        if (windowsPerRequest < 1) {
            throw new IllegalArgumentException("windows per request must be >= 1");
        }
        int[] encoded = model.encode(text);
        if (encoded.length == 0) {
            throw new IllegalArgumentException("the text is empty: nothing to score");
        }
        int[] sequence = new int[encoded.length + 1];
        sequence[0] = model.endOfText();
        System.arraycopy(encoded, 0, sequence, 1, encoded.length);

        List<Window> windows = windows(encoded.length, context, stride);
        double nll = 0;
        for (int from = 0; from < windows.size(); from += windowsPerRequest) {
            List<Window> batch = windows.subList(from, Math.min(windows.size(), from + windowsPerRequest));
            List<int[]> inputs = new ArrayList<>(batch.size());
            // A window of inputs [begin, end) predicts the tokens begin + 1 .. end, so it reads one token more.
            batch.forEach(window -> inputs.add(Arrays.copyOfRange(sequence, window.begin(), window.end() + 1)));
            List<double[]> logProbs = model.tokenLogProbs(inputs);
            for (int w = 0; w < batch.size(); w++) {
                Window window = batch.get(w);
                for (int position = window.scoreFrom(); position < window.end(); position++) {
                    nll -= logProbs.get(w)[position - window.begin()];
                }
            }
        }
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        return new Result(encoded.length, bytes, nll, Math.exp(nll / encoded.length), nll / (Math.log(2) * bytes),
                windows.size(), (System.nanoTime() - start) / 1e9);
    }

    /** Input positions {@code [begin, end)} of the sequence; those from {@code scoreFrom} predict a scored token. */
    record Window(int begin, int end, int scoreFrom) {}

    /** Windows over the {@code predictions} input positions (position i predicts token i + 1 of the sequence). */
    static List<Window> windows(int predictions, int context, int stride) {
        List<Window> out = new ArrayList<>();
        int scored = 0;
        for (int begin = 0; scored < predictions; begin += stride) {
            int end = Math.min(begin + context, predictions);
            out.add(new Window(begin, end, scored));
            scored = end;
        }
        return out;
    }
}
