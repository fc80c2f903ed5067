package dev.phi4j.trainer.eval;

import java.util.List;

/**
 * What the likelihood tasks (perplexity, multiple choice, passkey, perplexity by position) need from a model: its
 * tokenizer, how long a sequence it takes, the log-probability of every token of given sequences, and greedy
 * continuations. A checkpoint ({@link CheckpointScoring}) and an OpenAI-compatible endpoint that echoes prompt
 * log-probabilities (the CLI's adapter) both provide it, so one harness scores both.
 */
public interface ScoringModel {

    /** What is scored: a checkpoint folder, or an endpoint and model. */
    String name();

    /**
     * The most tokens the model reads at once. A scored sequence may hold one token more, and a prompt with its
     * greedy continuation too: the last token is predicted, never read.
     */
    int maxLength();

    int[] encode(String text);

    String decode(int[] tokens);

    /** The document boundary the model was trained with: what a text's first token is predicted from. */
    int endOfText();

    /**
     * Natural-log probabilities of each sequence's tokens after the first: element i of a result is
     * log p(tokens[i + 1] | tokens[0..i]). Every sequence holds at least two tokens and at most {@link #maxLength()} + 1.
     */
    List<double[]> tokenLogProbs(List<int[]> sequences);

    /** The greedy continuation of each prompt, at most {@code maxNewTokens} tokens, as text. */
    List<String> greedy(List<int[]> prompts, int maxNewTokens);
}
