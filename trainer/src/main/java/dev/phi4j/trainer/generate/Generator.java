package dev.phi4j.trainer.generate;

import dev.phi4j.core.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Batched generation on the calling thread: several prompts, n samples each, all decoded together through one
 * {@link DecodeLoop}.
 *
 * <pre>
 *   Generator generator = new Generator(new KvCacheModel(net), tokenizer, DecodeLoop.Limits(32, 4096));
 *   List&lt;List&lt;Completion&gt;&gt; out = generator.generate(List.of(prompt), SamplingParams.builder()
 *           .temperature(0.8).topP(0.95).maxNewTokens(64).seed(7).build(), 4);
 * </pre>
 */
public final class Generator {

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final DecodeLoop.Limits limits;

    public Generator(LanguageModel model, Tokenizer tokenizer, DecodeLoop.Limits limits) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.limits = limits;
    }

    public LanguageModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** One completion of one prompt. */
    public Completion generate(int[] prompt, SamplingParams params) {
        return generate(List.of(prompt), params, 1).get(0).get(0);
    }

    /**
     * {@code n} completions of every prompt, in prompt order; sample j of a prompt uses the seed
     * {@link GenerationTask#sampleSeed}(params.seed, j), so a given (prompt, seed, j) always samples the same.
     */
    public List<List<Completion>> generate(List<int[]> prompts, SamplingParams params, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        DecodeLoop loop = new DecodeLoop(model, tokenizer, limits);
        List<List<CompletableFuture<Completion>>> results = new ArrayList<>();
        for (int[] prompt : prompts) {
            List<CompletableFuture<Completion>> samples = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                CompletableFuture<Completion> result = new CompletableFuture<>();
                SamplingParams sampleParams = params.toBuilder().seed(GenerationTask.sampleSeed(params.seed(), j)).build();
                loop.submit(new GenerationTask(prompt, sampleParams, new CompletionListener() {
                    @Override
                    public void onComplete(Completion completion) {
                        result.complete(completion);
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                        result.completeExceptionally(failure);
                    }
                }));
                samples.add(result);
            }
            results.add(samples);
        }
        while (!loop.idle()) {
            loop.step();
        }
        List<List<Completion>> out = new ArrayList<>(results.size());
        for (List<CompletableFuture<Completion>> samples : results) {
            List<Completion> completions = new ArrayList<>(samples.size());
            for (CompletableFuture<Completion> sample : samples) {
                completions.add(join(sample));
            }
            out.add(completions);
        }
        return out;
    }

    private static Completion join(CompletableFuture<Completion> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
