package dev.phi4j.bench.inference;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.generate.FullRecomputeModel;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.generate.LogProbs;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Decoding speed with the KV cache against the no-cache baseline ({@link FullRecomputeModel}, which re-runs
 * {@code PhiDecoder.logits} over the whole context for every token), at several context lengths, on random
 * weights (speed does not depend on them). At context C the prompt is C − new tokens long, so the last token is
 * generated with a full context; both models decode greedily from the same prompt and must produce the same tokens.
 *
 * <p>The graph of the baseline has a fixed length, so each context gets its own network of the given shape with
 * {@code context_length} = C (and the preset's RoPE base): for C above the preset's context this is the preset's
 * shape at a longer context, as midtraining makes it.
 */
public final class GenerateBench {

    /**
     * @param shape          the model shape (its context length is replaced by each context)
     * @param contexts       context lengths to measure at
     * @param newTokens      tokens the KV cache generates per context (after the prefill)
     * @param noCacheTokens  tokens the baseline generates per context (each costs a full forward)
     */
    public record Settings(ModelConfig shape, List<Integer> contexts, int newTokens, int noCacheTokens, long seed) {
        public Settings {
            contexts = List.copyOf(contexts);
            if (newTokens < 1 || noCacheTokens < 1) {
                throw new IllegalArgumentException("new tokens and no-cache tokens must be >= 1");
            }
            for (int context : contexts) {
                if (context <= newTokens) {
                    throw new IllegalArgumentException("context " + context + " must exceed new tokens " + newTokens);
                }
            }
        }
    }

    /** One context: decode rates with {@link KvCacheModel} and without a cache, and the KV cache's prefill rate. */
    public record Row(int context, int promptTokens, int cachedTokens, double cachedSeconds, double prefillSeconds,
                      int noCacheTokens, double noCacheSeconds, boolean sameTokens) {

        public double cachedTokensPerSecond() {
            return cachedTokens / cachedSeconds;
        }

        public double noCacheTokensPerSecond() {
            return noCacheTokens / noCacheSeconds;
        }

        public double prefillTokensPerSecond() {
            return promptTokens / prefillSeconds;
        }

        public double speedUp() {
            return cachedTokensPerSecond() / noCacheTokensPerSecond();
        }
    }

    public record Result(Settings settings, List<Row> rows) {

        public String render() {
            ModelConfig s = settings.shape();
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "decode speed, batch 1, greedy, random weights: %d layers, d_model %d,"
                            + " %d/%d heads, ffn %d, vocab %,d (%s parameters)%n"
                            + "no cache = PhiDecoder.logits over the whole context per token (baseline); "
                            + "KV cache = KvCacheModel over trainer.model's DecoderInference (generate, serve)%n%n",
                    s.nLayers(), s.dModel(), s.nHeads(), s.nKvHeads(), s.ffnHidden(), s.vocabSize(),
                    String.format(Locale.ROOT, "%.1fM", s.parameterCount() / 1e6)));
            out.append(String.format(Locale.ROOT, "%8s %7s %15s %15s %9s %17s %12s%n", "context", "prompt",
                    "no cache tok/s", "KV cache tok/s", "speed-up", "KV prefill tok/s", "same tokens"));
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "%8d %7d %15.2f %15.1f %8.1fx %17.0f %12s%n",
                        row.context(), row.promptTokens(), row.noCacheTokensPerSecond(), row.cachedTokensPerSecond(),
                        row.speedUp(), row.prefillTokensPerSecond(), row.sameTokens() ? "yes" : "NO"));
            }
            return out.toString();
        }
    }

    private GenerateBench() {}

    public static Result run(Settings settings, Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        for (int context : settings.contexts()) {
            ModelConfig config = settings.shape().withContext(context, settings.shape().ropeTheta());
            progress.accept("context " + context + ": building the network");
            ComputationGraph net = PhiDecoder.build(config, PhiDecoder.Masking.CAUSAL,
                    new NeuralNetConfiguration.Builder().seed(settings.seed()).updater(new NoOp()));
            int[] prompt = randomTokens(context - settings.newTokens(), config.vocabSize(), settings.seed() + context);

            progress.accept("context " + context + ": KV cache");
            Decode cached = decodeWithCache(new KvCacheModel(net), prompt, settings.newTokens());

            FullRecomputeModel baseline = new FullRecomputeModel(net, config);
            greedy(baseline, Arrays.copyOf(prompt, Math.min(prompt.length, 16)), 1);       // warm-up
            progress.accept("context " + context + ": no cache");
            int noCache = Math.min(settings.noCacheTokens(), settings.newTokens());
            long baselineStart = System.nanoTime();
            int[] baselineTokens = greedy(baseline, prompt, noCache);
            long baselineEnd = System.nanoTime();

            boolean same = Arrays.equals(baselineTokens, Arrays.copyOf(cached.tokens(), noCache));
            rows.add(new Row(context, prompt.length, settings.newTokens() - 1, cached.decodeSeconds(),
                    cached.prefillSeconds(), noCache, (baselineEnd - baselineStart) / 1e9, same));
        }
        return new Result(settings, rows);
    }

    /** Greedy tokens and timings: the prompt in one forward, then one forward per token. */
    private record Decode(int[] tokens, double prefillSeconds, double decodeSeconds) {}

    private static Decode decodeWithCache(LanguageModel model, int[] prompt, int newTokens) {
        int warmPrompt = Math.min(prompt.length, 8);                                           // warm-up (JIT)
        greedy(model, Arrays.copyOf(prompt, warmPrompt), Math.min(24, model.config().contextLength() - warmPrompt));
        LanguageModel.State state = model.newSequence();
        long start = System.nanoTime();
        INDArray logits = model.forward(List.of(new LanguageModel.Feed(state, prompt, false))).get(0);
        long prefilled = System.nanoTime();
        int[] tokens = new int[newTokens];
        for (int i = 0; i < newTokens; i++) {
            tokens[i] = LogProbs.argmax(logits.toDoubleVector());
            if (i + 1 < newTokens) {
                logits = model.forward(List.of(new LanguageModel.Feed(state, new int[] {tokens[i]}, false))).get(0);
            }
        }
        long decoded = System.nanoTime();
        state.close();
        // The first token comes from the prefill: the decode rate counts the tokens fed one at a time.
        return new Decode(tokens, (prefilled - start) / 1e9, Math.max((decoded - prefilled) / 1e9, 1e-9));
    }

    /** Greedy tokens after {@code prompt}, one forward per token. */
    private static int[] greedy(LanguageModel model, int[] prompt, int count) {
        LanguageModel.State state = model.newSequence();
        int[] out = new int[count];
        int[] feed = prompt;
        for (int i = 0; i < count; i++) {
            INDArray logits = model.forward(List.of(new LanguageModel.Feed(state, feed, false))).get(0);
            out[i] = LogProbs.argmax(logits.toDoubleVector());
            feed = new int[] {out[i]};
        }
        state.close();
        return out;
    }

    private static int[] randomTokens(int length, int vocab, long seed) {
        Random random = new Random(seed);
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return tokens;
    }
}
