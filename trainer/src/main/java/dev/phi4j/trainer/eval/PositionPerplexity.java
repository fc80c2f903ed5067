package dev.phi4j.trainer.eval;

import dev.phi4j.trainer.generate.LanguageModel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perplexity by position: windows of {@code length} consecutive tokens of one long text, each read from position 0,
 * the next-token loss averaged per position bucket. A model that does not generalise past its training context shows
 * it as perplexity rising in the late buckets.
 */
public final class PositionPerplexity {

    /** Positions {@code [from, to)} of windows of {@code length}: mean negative log-likelihood and its exp. */
    public record Bucket(int length, int from, int to, long predictions, double meanNll) {
        public double perplexity() {
            return Math.exp(meanNll);
        }
    }

    private PositionPerplexity() {}

    /**
     * Up to {@code windows} non-overlapping windows of {@code text}, {@code buckets} equal position ranges.
     *
     * @throws IllegalArgumentException when the text holds no whole window
     */
    public static List<Bucket> run(LanguageModel model, int[] text, int length, int windows, int buckets) {
        int available = (text.length - 1) / length;
        if (available < 1) {
            throw new IllegalArgumentException("the text has " + text.length + " tokens; a window needs " + (length + 1));
        }
        double[] nll = new double[length];
        int used = Math.min(windows, available);
        for (int w = 0; w < used; w++) {
            int[] window = Arrays.copyOfRange(text, w * length, w * length + length);
            INDArray logits;
            try (LanguageModel.State sequence = model.newSequence()) {
                logits = model.forward(List.of(new LanguageModel.Feed(sequence, window, true))).get(0);  // (L, vocab)
            }
            INDArray logProbabilities = Transforms.log(Transforms.softmax(logits.castTo(DataType.DOUBLE), true),
                    false);
            for (int position = 0; position < length; position++) {
                int next = text[w * length + position + 1];
                nll[position] -= logProbabilities.getDouble(position, next);
            }
        }
        List<Bucket> results = new ArrayList<>(buckets);
        for (int b = 0; b < buckets; b++) {
            int from = b * length / buckets;
            int to = (b + 1) * length / buckets;
            double sum = 0;
            for (int position = from; position < to; position++) {
                sum += nll[position];
            }
            long predictions = (long) (to - from) * used;
            results.add(new Bucket(length, from, to, predictions, sum / predictions));
        }
        return results;
    }
}
