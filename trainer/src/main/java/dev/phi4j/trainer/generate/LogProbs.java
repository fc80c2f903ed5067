package dev.phi4j.trainer.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Log-softmax and the most likely tokens of a row of logits, in double precision. */
public final class LogProbs {

    private LogProbs() {}

    /** One token and its log-probability. */
    public record Alternative(int token, double logprob) {}

    /** log softmax(logits): logits - max - log(sum(exp(logits - max))). */
    public static double[] logSoftmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : logits) {
            max = Math.max(max, value);
        }
        double sum = 0;
        for (double value : logits) {
            sum += Math.exp(value - max);
        }
        double logNormaliser = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logNormaliser;
        }
        return out;
    }

    /** The k most likely tokens, most likely first; equal log-probabilities in id order. */
    public static List<Alternative> top(double[] logprobs, int k) {
        if (k <= 0) {
            return List.of();
        }
        // A min-heap of the best k seen: O(V log k).
        PriorityQueue<Integer> best = new PriorityQueue<>(k + 1, (a, b) -> {
            int byValue = Double.compare(logprobs[a], logprobs[b]);
            return byValue != 0 ? byValue : Integer.compare(b, a);
        });
        for (int token = 0; token < logprobs.length; token++) {
            best.add(token);
            if (best.size() > k) {
                best.poll();
            }
        }
        List<Alternative> out = new ArrayList<>(best.size());
        while (!best.isEmpty()) {
            int token = best.poll();
            out.add(0, new Alternative(token, logprobs[token]));
        }
        return out;
    }

    /** The index of the largest value; the lowest index among equals. */
    public static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
