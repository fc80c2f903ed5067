package dev.phi4j.trainer.align;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Pivotal Token Search (Phi-4 report §4.3, Fig. 4): the tokens of a solution at which the probability that the
 * solution ends up correct jumps. With p(n) = p(success | the question and the solution's first n tokens), a segment
 * of the solution is split in two while p changes across it by at least {@code p_gap}; a single token whose p changes
 * by at least {@code p_gap} is pivotal. Segments split at their cumulative log-probability midpoint (as the paper
 * does: the halves are equally surprising) or at their token midpoint.
 *
 * <p>As in the paper, a segment whose p ends where it began is not split: two opposite jumps inside it cancel and
 * neither is found.
 *
 * <p>p is estimated by the caller (rollouts from the prefix through the inference engine, checked by a verifier); the
 * search asks for each prefix length at most once and counts how many it asked for.
 */
public final class PivotalTokenSearch {

    /** Where a segment is cut in two. */
    public enum Split { LOG_PROB_MIDPOINT, TOKEN_MIDPOINT }

    /** @param pGap the smallest change of p that makes a token pivotal (the paper's p_gap) */
    public record Config(double pGap, Split split) {
        public Config {
            if (!(pGap > 0 && pGap <= 1)) {
                throw new IllegalArgumentException("p_gap must be in (0, 1], got " + pGap);
            }
        }
    }

    /** Token {@code index} of the solution: p before it (prefix of {@code index} tokens) and after it. */
    public record PivotalToken(int index, double before, double after) {

        /** Positive when the token makes success more likely: a chosen token; negative, a rejected one. */
        public double delta() {
            return after - before;
        }
    }

    /** The pivotal tokens in solution order, and how many distinct prefixes p was estimated for. */
    public record Result(List<PivotalToken> pivotal, int prefixesEstimated) {}

    private final Config config;

    public PivotalTokenSearch(Config config) {
        this.config = config;
    }

    /**
     * @param tokenLogProbs the solution's tokens' log-probabilities under the model that wrote it (n of them)
     * @param successGiven  p(success | first k tokens) for 0 ≤ k ≤ n
     */
    public Result search(double[] tokenLogProbs, IntToDoubleFunction successGiven) {
        Map<Integer, Double> memo = new HashMap<>();
        IntToDoubleFunction p = k -> memo.computeIfAbsent(k, successGiven::applyAsDouble);
        List<int[]> segments = new ArrayList<>();
        subdivide(0, tokenLogProbs.length, tokenLogProbs, p, segments);
        List<PivotalToken> pivotal = new ArrayList<>();
        for (int[] segment : segments) {
            int from = segment[0], to = segment[1];
            if (to - from == 1) {
                double before = p.applyAsDouble(from), after = p.applyAsDouble(to);
                if (Math.abs(after - before) >= config.pGap()) {
                    pivotal.add(new PivotalToken(from, before, after));
                }
            }
        }
        return new Result(pivotal, memo.size());
    }

    /** Tokens from..to-1 as segments in order: whole when p barely changes across them or one token is left. */
    private void subdivide(int from, int to, double[] logProbs, IntToDoubleFunction p, List<int[]> segments) {
        if (to - from <= 1 || Math.abs(p.applyAsDouble(to) - p.applyAsDouble(from)) < config.pGap()) {
            segments.add(new int[] {from, to});
            return;
        }
        int cut = cut(from, to, logProbs);
        subdivide(from, cut, logProbs, p, segments);
        subdivide(cut, to, logProbs, p, segments);
    }

    /** A cut strictly inside (from, to): the token midpoint, or where half the segment's log-probability is spent. */
    private int cut(int from, int to, double[] logProbs) {
        if (config.split() == Split.TOKEN_MIDPOINT) {
            return from + (to - from) / 2;
        }
        double total = 0;
        for (int i = from; i < to; i++) {
            total += logProbs[i];
        }
        double spent = 0;
        for (int i = from; i < to - 1; i++) {
            spent += logProbs[i];
            if (spent <= total / 2) {                       // log-probs are ≤ 0: "half spent" is at or below half
                return i + 1;
            }
        }
        return to - 1;
    }
}
