package dev.phi4j.trainer.eval;


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
     * @throws IllegalArgumentException when the text holds no whole window, or a window is longer than the model reads
     */
    public static List<Bucket> run(ScoringModel model, int[] text, int length, int windows, int buckets) {
        if (length > model.maxLength()) {
            throw new IllegalArgumentException("windows of " + length + " tokens; " + model.name() + " reads "
                    + model.maxLength() + " at most");
        }
        int available = (text.length - 1) / length;
        if (available < 1) {
            throw new IllegalArgumentException("the text has " + text.length + " tokens; a window needs " + (length + 1));
        }
        int used = Math.min(windows, available);
        List<int[]> sequences = new ArrayList<>(used);
        for (int w = 0; w < used; w++) {
            sequences.add(Arrays.copyOfRange(text, w * length, w * length + length + 1));
        }
        double[] nll = new double[length];
        for (double[] logProbs : model.tokenLogProbs(sequences)) {
            for (int position = 0; position < length; position++) {
                nll[position] -= logProbs[position];
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
