package dev.phi4j.trainer.generate;

import java.util.List;

/**
 * Hears how a {@link GenerationTask} goes. Called on the thread that drives the {@link DecodeLoop}: implementations
 * must return quickly (hand the event to another thread) and must not call back into the loop.
 */
public interface CompletionListener {

    /**
     * Text that can be shown now (never a prefix of a stop sequence that may still complete) and the log-probabilities
     * of the tokens it came from, when asked for. Called after each step that adds text.
     */
    default void onDelta(String text, List<TokenLogprob> logprobs) {}

    /** The prompt's log-probabilities (after its first token), once the prompt has been read; only when asked for. */
    default void onPromptLogprobs(List<TokenLogprob> logprobs) {}

    void onComplete(Completion completion);

    /**
     * The task could not run or did not finish: its prompt does not fit, the model failed, or it was cancelled
     * ({@link java.util.concurrent.CancellationException}). No other call follows.
     */
    void onFailure(Throwable failure);
}
