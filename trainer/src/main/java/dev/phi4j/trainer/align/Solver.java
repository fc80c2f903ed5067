package dev.phi4j.trainer.align;

import java.util.List;

/**
 * What Pivotal Token Search asks of the model for one question: sampled solutions, and the probability that a
 * solution continued from a prefix ends up correct. {@link ModelSolver} answers through the batched inference engine
 * and a verifier; tests script it.
 */
public interface Solver {

    /** A sampled solution: its tokens, their log-probabilities, the alternatives at each position, and its verdict. */
    record Solution(int[] tokens, double[] logProbs, int[][] alternatives, boolean correct) {}

    /** {@code n} solutions of each question, sampled from the empty prefix, in question order. */
    List<List<Solution>> sample(List<Question> questions, int n);

    /** p(success | prefix) for each prefix (solution tokens after the question), estimated by rollouts. */
    double[] successGiven(Question question, List<int[]> prefixes);

    /** The text of solution tokens. */
    String text(int[] tokens);

    /** A question with a verifiable final answer; {@code id} is a seed id ({@code seed-…}). */
    record Question(String id, String text, String reference) {}
}
