package dev.phi4j.trainer.generate;

import dev.phi4j.core.tokenizer.Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One sample being generated: a prompt, its sampling parameters, and the state between steps of a
 * {@link DecodeLoop}. Create one per sample (n samples of a prompt are n tasks with different seeds); {@link #cancel()}
 * may be called from any thread, everything else belongs to the loop's thread.
 */
public final class GenerationTask {

    private final int[] prompt;
    private final SamplingParams params;
    private final CompletionListener listener;
    private final SplittableRandom random;
    private volatile boolean cancelled;

    private LanguageModel.State state;
    private int[] nextFeed;
    private int tokenBudget;
    private int[] generated = new int[16];
    private int generatedCount;
    private int[] generatedCounts;
    private TextAssembler text;
    private final List<TokenLogprob> logprobs = new ArrayList<>();
    private int logprobsStreamed;
    private List<TokenLogprob> promptLogprobs = List.of();
    private FinishReason finishReason;

    public GenerationTask(int[] prompt, SamplingParams params, CompletionListener listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: a model needs at least one token to continue");
        }
        this.prompt = prompt.clone();
        this.params = params;
        this.listener = listener;
        this.random = new SplittableRandom(params.seed());
    }

    /** The seed of the {@code index}-th of several samples drawn for one request with {@code seed}. */
    public static long sampleSeed(long seed, int index) {
        return index == 0 ? seed : new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L * index).nextLong();
    }

    /** Asks the loop to drop this task at its next step; its listener then hears a CancellationException. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    int[] prompt() {
        return prompt;
    }

    SamplingParams params() {
        return params;
    }

    CompletionListener listener() {
        return listener;
    }

    /** Binds the task to a fresh sequence of {@code model}; returns false (after telling the listener) if it cannot run. */
    boolean start(LanguageModel model, LanguageModel.State fresh) {
        int context = model.config().contextLength();
        if (prompt.length > context) {
            fresh.close();
            listener.onFailure(new IllegalArgumentException("the prompt has " + prompt.length
                    + " tokens; the model's context is " + context));
            return false;
        }
        state = fresh;
        nextFeed = prompt;
        tokenBudget = Math.min(params.maxNewTokens(), context - prompt.length);
        text = new TextAssembler(params.stop());
        if (tokenBudget == 0 && !params.promptLogprobs()) {
            finishReason = FinishReason.LENGTH;
        }
        return true;
    }

    boolean finished() {
        return finishReason != null;
    }

    LanguageModel.Feed feed() {
        return new LanguageModel.Feed(state, nextFeed, params.promptLogprobs() && nextFeed == prompt);
    }

    /**
     * Takes the logits the forward returned for this task's feed: records prompt log-probabilities, samples the next
     * token, updates text and finish state, and tells the listener.
     */
    void accept(INDArray logits, Tokenizer tokenizer, int[] stopTokens) {
        boolean prefill = nextFeed == prompt;
        if (prefill && params.promptLogprobs()) {
            promptLogprobs = promptLogprobs(logits, tokenizer);
            listener.onPromptLogprobs(promptLogprobs);
        }
        if (tokenBudget == 0) {
            finishReason = FinishReason.LENGTH;
            return;
        }
        double[] raw = logits.getRow(logits.rows() - 1).toDoubleVector();
        double[] adjusted = raw.clone();
        if (params.presencePenalty() != 0 || params.frequencyPenalty() != 0) {
            if (generatedCounts == null) {
                generatedCounts = new int[raw.length];
            }
            Sampler.adjust(adjusted, params, generatedCounts);
        } else {
            Sampler.adjust(adjusted, params, null);
        }
        int token = Sampler.sample(adjusted, params, random);
        if (generatedCounts != null) {
            generatedCounts[token]++;
        }
        if (generatedCount == generated.length) {
            generated = Arrays.copyOf(generated, 2 * generatedCount);
        }
        generated[generatedCount++] = token;

        boolean isStopToken = Arrays.stream(stopTokens).anyMatch(t -> t == token);
        if (!isStopToken && params.wantsLogprobs()) {
            double[] logp = LogProbs.logSoftmax(raw);
            logprobs.add(new TokenLogprob(token, logp[token], LogProbs.top(logp, params.topLogprobs()), text.length()));
        }
        if (isStopToken || text.append(tokenizer.tokenBytes(token))) {
            finishReason = FinishReason.STOP;
        } else if (generatedCount == tokenBudget) {
            finishReason = FinishReason.LENGTH;
        }
        if (finishReason != null) {
            text.finish();
        }
        nextFeed = new int[] {token};
        String delta = text.takeStreamable(finishReason != null);
        List<TokenLogprob> newLogprobs = streamableLogprobs(finishReason != null);
        if (!delta.isEmpty() || !newLogprobs.isEmpty()) {
            listener.onDelta(delta, newLogprobs);
        }
    }

    Completion completion() {
        return new Completion(prompt.clone(), Arrays.copyOf(generated, generatedCount), text.text(), finishReason,
                keptLogprobs(), promptLogprobs);
    }

    void close() {
        if (state != null) {
            state.close();
        }
    }

    /** Log-probabilities of the tokens whose text is in the completion: none that start after a stop sequence cut. */
    private List<TokenLogprob> keptLogprobs() {
        if (!text.stopped()) {
            return List.copyOf(logprobs);
        }
        int cut = text.length();
        return logprobs.stream().filter(entry -> entry.textOffset() < cut).toList();
    }

    /** The entries not yet streamed whose text has been: all that are kept once the completion has ended. */
    private List<TokenLogprob> streamableLogprobs(boolean ended) {
        List<TokenLogprob> candidates = ended ? keptLogprobs() : logprobs;
        int limit = candidates.size();
        if (!ended) {
            int streamedText = text.streamedLength();
            limit = logprobsStreamed;
            while (limit < candidates.size() && candidates.get(limit).textOffset() < streamedText) {
                limit++;
            }
        }
        if (limit <= logprobsStreamed) {
            return List.of();
        }
        List<TokenLogprob> out = List.copyOf(candidates.subList(logprobsStreamed, limit));
        logprobsStreamed = limit;
        return out;
    }

    private List<TokenLogprob> promptLogprobs(INDArray logits, Tokenizer tokenizer) {
        List<TokenLogprob> out = new ArrayList<>(prompt.length - 1);
        TextAssembler promptText = new TextAssembler(List.of());
        promptText.append(tokenizer.tokenBytes(prompt[0]));
        for (int position = 1; position < prompt.length; position++) {
            double[] logp = LogProbs.logSoftmax(logits.getRow(position - 1).toDoubleVector());
            int token = prompt[position];
            out.add(new TokenLogprob(token, logp[token], LogProbs.top(logp, Math.max(0, params.topLogprobs())),
                    promptText.length()));
            promptText.append(tokenizer.tokenBytes(token));
        }
        return out;
    }
}
