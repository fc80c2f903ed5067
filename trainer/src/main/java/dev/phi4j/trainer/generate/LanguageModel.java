package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A decoder fed a few tokens at a time: what sampling, scoring and serving need from a model. Each sequence keeps
 * its own state ({@link State}); one {@link #forward} call advances any number of sequences by any number of tokens
 * each, in one batched pass: a new prompt (prefill) and the last sampled token of a running sequence (decode) can
 * share a forward.
 *
 * <p>Two implementations compute the same logits: {@link KvCacheModel} keeps every block's keys and values so a new
 * token costs O(context), and {@link FullRecomputeModel} re-runs {@code PhiDecoder.logits} on the whole prefix, the
 * baseline {@code phi4j bench generate} compares against. Neither is thread-safe: one thread drives a model.
 */
public interface LanguageModel {

    ModelConfig config();

    /** An empty sequence, position 0. */
    State newSequence();

    /**
     * Appends {@code feeds[i].tokens()} to {@code feeds[i].state()} and returns, per feed, the logits after its new
     * tokens: (n_i, vocab) for every new position when {@link Feed#allPositions()}, else (1, vocab) for the last.
     * Row j of a feed's logits predicts the token after its j-th new token.
     *
     * @throws IllegalArgumentException if a sequence would outgrow the model's context, or a feed is empty
     */
    List<INDArray> forward(List<Feed> feeds);

    /** What a sequence has seen so far; {@link #close()} frees its memory (a KV cache) at once. */
    interface State extends AutoCloseable {
        /** Tokens fed so far. */
        int length();

        @Override
        void close();
    }

    record Feed(State state, int[] tokens, boolean allPositions) {
        public Feed {
            if (tokens.length == 0) {
                throw new IllegalArgumentException("a feed needs at least one token");
            }
        }
    }

    /** The check every implementation makes before it changes any state. */
    static void checkFits(ModelConfig config, List<Feed> feeds) {
        for (Feed feed : feeds) {
            int after = feed.state().length() + feed.tokens().length;
            if (after > config.contextLength()) {
                throw new IllegalArgumentException("a sequence would hold " + after + " tokens; the model's context is "
                        + config.contextLength());
            }
            for (int token : feed.tokens()) {
                if (token < 0 || token >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + token + " is outside the vocabulary (0.."
                            + (config.vocabSize() - 1) + ")");
                }
            }
        }
    }
}
