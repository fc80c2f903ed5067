package dev.phi4j.trainer.generate;

import java.util.List;

/**
 * One finished sample.
 *
 * @param tokens         every generated token, a final stop token included
 * @param text           the generated text, without a stop token and cut before a stop sequence
 * @param logprobs       per token of {@code text} (stop tokens and tokens after a stop sequence left out), when asked
 * @param promptLogprobs per prompt token after the first (which has no context to be predicted from), when asked
 */
public record Completion(int[] promptTokens, int[] tokens, String text, FinishReason finishReason,
                         List<TokenLogprob> logprobs, List<TokenLogprob> promptLogprobs) {}
