package dev.phi4j.trainer.align;

import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferenceKind;
import dev.phi4j.core.schema.PreferencePair;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pivotal Token Search on one question (report §4.3): estimate p(success) from the empty prefix with M rollouts and
 * keep the question only when it lies in [min_success, max_success]; take the first sampled solution; find its pivotal
 * tokens ({@link PivotalTokenSearch}); for each, try the model's likeliest alternatives at that position as the
 * counterpart and estimate p after each. A pair is made only with a counterpart verified on the other side: for a
 * token that raises p, an alternative whose p is below p before the token (chosen = the token, rejected = the
 * alternative); for one that lowers p, an alternative above it (chosen = the alternative). Either way chosen's p
 * exceeds rejected's by at least p_gap.
 */
public final class PivotalPairs {

    /** Why a question gave pairs or not. */
    public enum Status {
        /** p(success) within bounds and at least one pivotal token searched. */
        SEARCHED,
        /** p(success) below min_success. */
        TOO_HARD,
        /** p(success) above max_success. */
        TOO_EASY,
        /** p(success) within bounds, but p changed by less than p_gap at every single token of the solution. */
        NO_PIVOTAL_TOKEN
    }

    /**
     * A pivotal token at {@code index} of the solution: p before and after it; the counterpart token and its p when
     * one was verified (and the pair made of them), else why not.
     */
    public record Pivot(int index, int token, double before, double after, Optional<Integer> counterpart,
                        double counterpartP, Optional<PreferencePair> pair, String reason) {}

    /** One question's search. */
    public record Outcome(Solver.Question question, Status status, double initialP, int[] solution,
                          boolean solutionCorrect, int prefixesEstimated, List<Pivot> pivots) {

        public List<PreferencePair> pairs() {
            return pivots.stream().flatMap(pivot -> pivot.pair().stream()).toList();
        }
    }

    private final PtsConfig config;
    private final PivotalTokenSearch search;

    public PivotalPairs(PtsConfig config) {
        this.config = config;
        this.search = new PivotalTokenSearch(config.search());
    }

    /** Searches {@code question} given its M solutions sampled from the empty prefix. */
    public Outcome mine(Solver.Question question, List<Solver.Solution> samples, Solver solver) {
        double initial = samples.stream().filter(Solver.Solution::correct).count() / (double) samples.size();
        Solver.Solution solution = samples.get(0);
        if (initial < config.minSuccess() || initial > config.maxSuccess()) {
            return new Outcome(question, initial < config.minSuccess() ? Status.TOO_HARD : Status.TOO_EASY, initial,
                    solution.tokens(), solution.correct(), 1, List.of());
        }
        int n = solution.tokens().length;
        Map<Integer, Double> known = new HashMap<>(Map.of(0, initial, n, solution.correct() ? 1.0 : 0.0));
        PivotalTokenSearch.Result found = search.search(solution.logProbs(), k -> known.computeIfAbsent(k,
                length -> solver.successGiven(question, List.of(Arrays.copyOf(solution.tokens(), length)))[0]));
        List<Pivot> pivots = new ArrayList<>();
        for (PivotalTokenSearch.PivotalToken token : found.pivotal()) {
            pivots.add(counterpart(question, solver, solution, token));
        }
        return new Outcome(question, pivots.isEmpty() ? Status.NO_PIVOTAL_TOKEN : Status.SEARCHED, initial,
                solution.tokens(), solution.correct(), found.prefixesEstimated(), pivots);
    }

    private Pivot counterpart(Solver.Question question, Solver solver, Solver.Solution solution,
                              PivotalTokenSearch.PivotalToken pivotal) {
        int index = pivotal.index();
        int token = solution.tokens()[index];
        int[] prefix = Arrays.copyOf(solution.tokens(), index);
        List<Integer> candidates = new ArrayList<>();
        for (int alternative : solution.alternatives()[index]) {
            if (alternative != token && !candidates.contains(alternative) && candidates.size() < config.alternatives()) {
                candidates.add(alternative);
            }
        }
        if (candidates.isEmpty()) {
            return unpaired(pivotal, token, "no alternative token at this position");
        }
        List<int[]> continued = new ArrayList<>();
        for (int candidate : candidates) {
            int[] next = Arrays.copyOf(prefix, index + 1);
            next[index] = candidate;
            continued.add(next);
        }
        double[] p = solver.successGiven(question, continued);
        boolean raises = pivotal.delta() > 0;
        int best = -1;
        for (int i = 0; i < candidates.size(); i++) {
            boolean otherSide = raises ? p[i] < pivotal.before() : p[i] > pivotal.before();
            boolean apart = Math.abs(pivotal.after() - p[i]) >= config.pGap();
            if (otherSide && apart && (best < 0 || (raises ? p[i] < p[best] : p[i] > p[best]))) {
                best = i;
            }
        }
        if (best < 0) {
            return unpaired(pivotal, token, "none of " + candidates.size() + " alternatives " + (raises ? "lowers"
                    : "raises") + " p by p_gap");
        }
        int other = candidates.get(best);
        String tokenText = solver.text(new int[] {token}), otherText = solver.text(new int[] {other});
        if (tokenText.equals(otherText)) {
            return new Pivot(index, token, pivotal.before(), pivotal.after(), Optional.of(other), p[best],
                    Optional.empty(), "the counterpart reads as the same text");
        }
        List<Message> prompt = new ArrayList<>(List.of(Message.user(question.text())));
        if (index > 0) {
            prompt.add(Message.assistant(solver.text(prefix)));
        }
        PreferencePair pair = PreferencePair.of(prompt, raises ? tokenText : otherText, raises ? otherText : tokenText,
                PreferenceKind.PTS, List.of(question.id()));
        return new Pivot(index, token, pivotal.before(), pivotal.after(), Optional.of(other), p[best],
                Optional.of(pair), "paired");
    }

    private static Pivot unpaired(PivotalTokenSearch.PivotalToken pivotal, int token, String reason) {
        return new Pivot(pivotal.index(), token, pivotal.before(), pivotal.after(), Optional.empty(), Double.NaN,
                Optional.empty(), reason);
    }
}
