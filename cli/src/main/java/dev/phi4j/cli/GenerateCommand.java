package dev.phi4j.cli;

import dev.phi4j.core.chat.ChatFormat;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.LogProbs;
import dev.phi4j.trainer.generate.SamplingParams;
import dev.phi4j.trainer.generate.TokenLogprob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

@Command(name = "generate", mixinStandardHelpOptions = true, description = {
        "Sample text from a checkpoint: batched over prompts and samples, with a KV cache.",
        "Example: phi4j generate --checkpoint runs/tiny --prompt 'The lighthouse keeper' --temperature 0.8 --n 2",
        "         phi4j generate --checkpoint runs/tiny --chat --prompt 'Count to three.' --logprobs 3"})
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "a run directory, its checkpoints/ directory or one checkpoint folder (model.json)")
    Path checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "a prompt; repeat for several, generated together")
    List<String> prompts;

    @Option(names = "--chat", description = "send each prompt as a user message in Phi-4's chat format")
    boolean chat;

    @Option(names = "--system", paramLabel = "TEXT", description = "with --chat: a system message first")
    String system;

    @Option(names = "--max-tokens", defaultValue = "64", description = "tokens to generate at most (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 is greedy (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "keep the k most likely tokens; 0 keeps all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling mass (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--n", defaultValue = "1", description = "samples per prompt (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--seed", description = "seed of the sampling RNG (default: random, printed)")
    Long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop sequence; repeatable")
    List<String> stop = new ArrayList<>();

    @Option(names = "--logprobs", defaultValue = "-1", paramLabel = "K",
            description = "print each token's log-probability and the K most likely alternatives")
    int logprobs;

    @Option(names = "--no-cache", description = "recompute the whole prefix for every token (the slow baseline)")
    boolean noCache;

    @Option(names = "--batch-rows", defaultValue = "32", description = "samples decoded together (default: ${DEFAULT-VALUE})")
    int batchRows;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        InferenceModel loaded = InferenceModel.load(checkpoint, !noCache);
        Tokenizer tokenizer = loaded.tokenizer();
        System.err.printf(Locale.ROOT, "loaded %s (%s, step %d, context %d) in %.1f s%n", loaded.checkpoint().directory(),
                Sizes.count(loaded.checkpoint().model().parameterCount()), loaded.checkpoint().step(),
                loaded.checkpoint().model().contextLength(), (System.nanoTime() - start) / 1e9);

        ChatFormat format = new ChatFormat(tokenizer);
        List<int[]> encoded = new ArrayList<>();
        for (String prompt : prompts) {
            if (chat) {
                List<Message> messages = new ArrayList<>();
                if (system != null) {
                    messages.add(Message.system(system));
                }
                messages.add(Message.user(prompt));
                encoded.add(format.generationPrompt(messages));
            } else if (system != null) {
                throw new IllegalArgumentException("--system needs --chat");
            } else {
                int[] tokens = tokenizer.encode(prompt);
                encoded.add(tokens.length > 0 ? tokens : new int[] {tokenizer.specialTokens().endOfText()});
            }
        }
        long usedSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        SamplingParams params = SamplingParams.builder().maxNewTokens(maxTokens).temperature(temperature).topK(topK)
                .topP(topP).stop(stop).topLogprobs(logprobs).seed(usedSeed).build();
        Generator generator = new Generator(loaded.model(), tokenizer, new DecodeLoop.Limits(batchRows, 4096));

        long generating = System.nanoTime();
        List<List<Completion>> results = generator.generate(encoded, params, n);
        double seconds = (System.nanoTime() - generating) / 1e9;
        int tokens = 0;
        for (int p = 0; p < results.size(); p++) {
            for (int j = 0; j < results.get(p).size(); j++) {
                Completion completion = results.get(p).get(j);
                tokens += completion.tokens().length;
                System.out.printf(Locale.ROOT, "--- prompt %d/%d, sample %d/%d: %d tokens, finish %s%n", p + 1,
                        results.size(), j + 1, n, completion.tokens().length, completion.finishReason().apiName());
                System.out.println(chat ? completion.text() : prompts.get(p) + completion.text());
                if (logprobs >= 0) {
                    printLogprobs(tokenizer, completion.logprobs());
                }
            }
        }
        System.err.printf(Locale.ROOT, "generated %,d tokens in %.2f s (%.1f tokens/s, %s, seed %d)%n", tokens, seconds,
                tokens / seconds, noCache ? "no cache" : "KV cache", usedSeed);
        return ExitCodes.OK;
    }

    private static void printLogprobs(Tokenizer tokenizer, List<TokenLogprob> entries) {
        for (TokenLogprob entry : entries) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-16s %8.3f  ",
                    quote(tokenizer, entry.token()), entry.logprob()));
            for (LogProbs.Alternative alternative : entry.top()) {
                line.append(String.format(Locale.ROOT, " %s %.3f", quote(tokenizer, alternative.token()),
                        alternative.logprob()));
            }
            System.out.println(line);
        }
    }

    private static String quote(Tokenizer tokenizer, int token) {
        return "'" + tokenizer.decode(new int[] {token}).replace("\n", "\\n") + "'";
    }
}
