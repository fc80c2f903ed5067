package dev.phi4j.trainer.serve;

import dev.phi4j.trainer.generate.SamplingParams;

import java.util.List;

/**
 * A validated request: what to generate and how to answer.
 *
 * @param prompts      token ids, one per prompt (chat: one)
 * @param params       sampling parameters; sample j of a prompt gets seed {@code sampleSeed(params.seed, j)}
 * @param n            samples per prompt; choice index = prompt index × n + sample index
 * @param includeUsage stream a final chunk with the usage counts ({@code stream_options.include_usage})
 * @param echo         completions: the choice's text starts with the prompt
 */
record GenerationJob(Endpoint endpoint, List<int[]> prompts, SamplingParams params, int n, boolean stream,
                     boolean includeUsage, boolean echo) {

    enum Endpoint { CHAT, COMPLETION }

    int choices() {
        return prompts.size() * n;
    }

    int promptTokens() {
        return prompts.stream().mapToInt(p -> p.length).sum();
    }
}
