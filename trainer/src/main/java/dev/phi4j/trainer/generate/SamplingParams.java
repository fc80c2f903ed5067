package dev.phi4j.trainer.generate;

import java.util.List;
import java.util.Map;

/**
 * How one completion is sampled, with the meanings of the OpenAI API's fields of the same names.
 *
 * @param maxNewTokens     tokens to generate at most (the stop token included); 0 only scores the prompt
 * @param temperature      0 is greedy; otherwise logits are divided by it before top-k and top-p
 * @param topK             keep the k most likely tokens (ties at the k-th value included); 0 keeps all
 * @param topP             nucleus: keep the most likely tokens whose probabilities add up to at least p; 1 keeps all
 * @param presencePenalty  subtracted once from the logit of every token already generated
 * @param frequencyPenalty subtracted from a token's logit once per time it was generated
 * @param logitBias        added to the logits of the given token ids
 * @param stop             strings that end the completion; the text stops before the first one
 * @param topLogprobs      -1: no log-probabilities; 0: of each chosen token; k > 0: also the k most likely tokens
 * @param promptLogprobs   also the log-probabilities of the prompt's tokens (completions' {@code echo})
 * @param seed             seeds the sampling RNG: equal seeds give equal samples
 */
public record SamplingParams(int maxNewTokens, double temperature, int topK, double topP, double presencePenalty,
                             double frequencyPenalty, Map<Integer, Double> logitBias, List<String> stop,
                             int topLogprobs, boolean promptLogprobs, long seed) {

    public SamplingParams {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("max new tokens must be >= 0, got " + maxNewTokens);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (topLogprobs < -1) {
            throw new IllegalArgumentException("top logprobs must be >= -1, got " + topLogprobs);
        }
        logitBias = Map.copyOf(logitBias);
        stop = List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop sequence must not be empty");
            }
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens, nothing else. */
    public static SamplingParams greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public boolean wantsLogprobs() {
        return topLogprobs >= 0;
    }

    public Builder toBuilder() {
        return new Builder().maxNewTokens(maxNewTokens).temperature(temperature).topK(topK).topP(topP)
                .presencePenalty(presencePenalty).frequencyPenalty(frequencyPenalty).logitBias(logitBias).stop(stop)
                .topLogprobs(topLogprobs).promptLogprobs(promptLogprobs).seed(seed);
    }

    /** Defaults: 16 tokens, greedy, no filtering, penalties, stops or logprobs, seed 0. */
    public static final class Builder {
        private int maxNewTokens = 16;
        private double temperature;
        private int topK;
        private double topP = 1;
        private double presencePenalty;
        private double frequencyPenalty;
        private Map<Integer, Double> logitBias = Map.of();
        private List<String> stop = List.of();
        private int topLogprobs = -1;
        private boolean promptLogprobs;
        private long seed;

        public Builder maxNewTokens(int value) { maxNewTokens = value; return this; }
        public Builder temperature(double value) { temperature = value; return this; }
        public Builder topK(int value) { topK = value; return this; }
        public Builder topP(double value) { topP = value; return this; }
        public Builder presencePenalty(double value) { presencePenalty = value; return this; }
        public Builder frequencyPenalty(double value) { frequencyPenalty = value; return this; }
        public Builder logitBias(Map<Integer, Double> value) { logitBias = value; return this; }
        public Builder stop(List<String> value) { stop = value; return this; }
        public Builder topLogprobs(int value) { topLogprobs = value; return this; }
        public Builder promptLogprobs(boolean value) { promptLogprobs = value; return this; }
        public Builder seed(long value) { seed = value; return this; }

        public SamplingParams build() {
            return new SamplingParams(maxNewTokens, temperature, topK, topP, presencePenalty, frequencyPenalty,
                    logitBias, stop, topLogprobs, promptLogprobs, seed);
        }
    }
}
