package dev.phi4j.trainer.generate;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits: logit bias and repetition penalties, then temperature, top-k and top-p
 * (in that order, as the OpenAI API and vLLM apply them), then one draw from the seeded RNG.
 */
public final class Sampler {

    private Sampler() {}

    /**
     * Logit bias and presence/frequency penalties, in place. {@code generatedCounts[t]} is how often token t was
     * generated so far (the prompt does not count).
     */
    public static void adjust(double[] logits, SamplingParams params, int[] generatedCounts) {
        for (Map.Entry<Integer, Double> bias : params.logitBias().entrySet()) {
            logits[bias.getKey()] += bias.getValue();
        }
        if (params.presencePenalty() != 0 || params.frequencyPenalty() != 0) {
            for (int token = 0; token < logits.length; token++) {
                int count = generatedCounts[token];
                if (count > 0) {
                    logits[token] -= params.presencePenalty() + params.frequencyPenalty() * count;
                }
            }
        }
    }

    /** The next token: the argmax when greedy, else a draw from the tempered, truncated distribution. */
    public static int sample(double[] logits, SamplingParams params, SplittableRandom random) {
        if (params.isGreedy() || params.topK() == 1) {
            return LogProbs.argmax(logits);
        }
        int vocab = logits.length;
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] weights = new double[vocab];                 // unnormalised probabilities at the temperature
        for (int i = 0; i < vocab; i++) {
            weights[i] = Math.exp((logits[i] - max) / params.temperature());
        }
        if (params.topK() > 0 && params.topK() < vocab) {
            double kth = kthLargest(logits, params.topK());
            for (int i = 0; i < vocab; i++) {
                if (logits[i] < kth) {
                    weights[i] = 0;
                }
            }
        }
        if (params.topP() < 1) {
            keepNucleus(weights, params.topP());
        }
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double target = random.nextDouble() * total;
        int last = -1;
        for (int i = 0; i < vocab; i++) {
            if (weights[i] > 0) {
                target -= weights[i];
                last = i;
                if (target < 0) {
                    return i;
                }
            }
        }
        return last;                                           // rounding left a sliver of the total
    }

    /** Zeroes every weight outside the smallest most-likely set whose mass reaches {@code topP} of the total. */
    private static void keepNucleus(double[] weights, double topP) {
        int candidates = 0;
        double total = 0;
        for (double w : weights) {
            if (w > 0) {
                candidates++;
                total += w;
            }
        }
        // Sort the candidates by weight, descending, without boxing: weight bits in the high half, id in the low.
        long[] keyed = new long[candidates];
        int at = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                keyed[at++] = ((long) Float.floatToIntBits((float) weights[i]) << 32) | i;
            }
        }
        Arrays.sort(keyed);
        double needed = topP * total;
        double mass = 0;
        int kept = 0;
        for (int j = keyed.length - 1; j >= 0; j--) {
            mass += weights[(int) keyed[j]];
            kept++;
            if (mass >= needed) {
                break;
            }
        }
        for (int j = keyed.length - 1 - kept; j >= 0; j--) {
            weights[(int) keyed[j]] = 0;
        }
    }

    private static double kthLargest(double[] values, int k) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - k];
    }
}
