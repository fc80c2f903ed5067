package dev.phi4j.trainer.generate;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Log-likelihood of a given continuation after a context: what evaluation (multiple choice), DPO (reference
 * log-probabilities) and Pivotal Token Search need. One forward per batch of pairs, no sampling.
 */
public final class ContinuationScorer {

    private final LanguageModel model;
    private final int maxRows;

    /** @param maxRows pairs scored per forward */
    public ContinuationScorer(LanguageModel model, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("max rows must be >= 1");
        }
        this.model = model;
        this.maxRows = maxRows;
    }

    /**
     * @param perToken log p(continuation[i] | context, continuation[..i]), natural log
     * @param greedy   whether every continuation token is the model's most likely token at its position
     */
    public record Score(double sum, double[] perToken, boolean greedy) {

        public double mean() {
            return perToken.length == 0 ? 0 : sum / perToken.length;
        }
    }

    /** A context and the continuation to score after it. */
    public record Pair(int[] context, int[] continuation) {
        public Pair {
            if (context.length == 0) {
                throw new IllegalArgumentException("the context is empty: the first continuation token needs one "
                        + "to be predicted from (start it with <|endoftext|>)");
            }
        }
    }

    public Score score(int[] context, int[] continuation) {
        return scoreAll(List.of(new Pair(context, continuation))).get(0);
    }

    /** Scores in input order, {@code maxRows} pairs per forward. */
    public List<Score> scoreAll(List<Pair> pairs) {
        List<Score> out = new ArrayList<>(pairs.size());
        for (int from = 0; from < pairs.size(); from += maxRows) {
            List<Pair> batch = pairs.subList(from, Math.min(pairs.size(), from + maxRows));
            List<LanguageModel.State> states = new ArrayList<>(batch.size());
            List<LanguageModel.Feed> feeds = new ArrayList<>(batch.size());
            for (Pair pair : batch) {
                LanguageModel.State state = model.newSequence();
                states.add(state);
                feeds.add(new LanguageModel.Feed(state, concat(pair.context(), pair.continuation()), true));
            }
            try {
                List<INDArray> logits = model.forward(feeds);
                for (int i = 0; i < batch.size(); i++) {
                    out.add(score(batch.get(i), logits.get(i)));
                }
            } finally {
                states.forEach(LanguageModel.State::close);
            }
        }
        return out;
    }

    private static Score score(Pair pair, INDArray logits) {
        int context = pair.context().length;
        int[] continuation = pair.continuation();
        double[] perToken = new double[continuation.length];
        double sum = 0;
        boolean greedy = true;
        for (int i = 0; i < continuation.length; i++) {
            double[] logp = LogProbs.logSoftmax(logits.getRow(context - 1 + i).toDoubleVector());
            perToken[i] = logp[continuation[i]];
            sum += perToken[i];
            greedy &= LogProbs.argmax(logp) == continuation[i];
        }
        return new Score(sum, perToken, greedy);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
