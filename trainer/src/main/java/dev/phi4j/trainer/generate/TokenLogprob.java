package dev.phi4j.trainer.generate;

import java.util.List;

/**
 * A token with its log-probability under the model (the raw distribution: before temperature, penalties and
 * truncation, as the OpenAI API reports it) and the most likely alternatives at its position.
 *
 * @param textOffset where the token's text starts in the completion's text (or the prompt's, for prompt tokens)
 */
public record TokenLogprob(int token, double logprob, List<LogProbs.Alternative> top, int textOffset) {}
