package dev.phi4j.trainer.generate;

import dev.phi4j.core.tokenizer.SpecialTokens;
import dev.phi4j.core.tokenizer.Tokenizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Continuous batching: the tasks running at once share one model forward per step. A step feeds every running task
 * its pending tokens (a new task its whole prompt, a running one its last sampled token), samples one token per task,
 * and retires the tasks that finished; waiting tasks join between steps as rows and the step's token budget allow, so
 * a long generation does not hold up the ones queued behind it.
 *
 * <p>Not thread-safe: one thread submits and steps (the server's scheduler, or {@link Generator}).
 *
 * @see #step()
 */
public final class DecodeLoop {

    /**
     * @param maxRows          tasks that share a forward at most
     * @param maxTokensPerStep tokens one forward takes at most when it admits new prompts (a single prompt longer than
     *                         this still runs, alone with the running tasks)
     */
    public record Limits(int maxRows, int maxTokensPerStep) {
        public Limits {
            if (maxRows < 1 || maxTokensPerStep < 1) {
                throw new IllegalArgumentException("max rows and max tokens per step must be >= 1");
            }
        }
    }

    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final Limits limits;
    private final int[] stopTokens;
    private final ArrayDeque<GenerationTask> waiting = new ArrayDeque<>();
    private final List<GenerationTask> running = new ArrayList<>();
    private long steps;
    private long rowsStepped;

    public DecodeLoop(LanguageModel model, Tokenizer tokenizer, Limits limits) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.limits = limits;
        SpecialTokens specials = tokenizer.specialTokens();
        this.stopTokens = new int[] {specials.imEnd(), specials.endOfText()};
    }

    public LanguageModel model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public void submit(GenerationTask task) {
        waiting.add(task);
    }

    public boolean idle() {
        return waiting.isEmpty() && running.isEmpty();
    }

    public int runningCount() {
        return running.size();
    }

    public int waitingCount() {
        return waiting.size();
    }

    /** Forwards run so far, and the rows they carried in all: their ratio is the mean batch size. */
    public long steps() {
        return steps;
    }

    public long rowsStepped() {
        return rowsStepped;
    }

    /** One forward of every running task (after admitting waiting ones); listeners hear of new text and ends. */
    public void step() {
        dropCancelled();
        admit();
        List<GenerationTask> fed = new ArrayList<>(running.size());
        List<LanguageModel.Feed> feeds = new ArrayList<>(running.size());
        for (GenerationTask task : running) {
            if (!task.finished()) {
                fed.add(task);
                feeds.add(task.feed());
            }
        }
        if (!feeds.isEmpty()) {
            List<INDArray> logits;
            try {
                logits = model.forward(feeds);
            } catch (RuntimeException failure) {
                for (GenerationTask task : fed) {
                    running.remove(task);
                    task.close();
                    task.listener().onFailure(failure);
                }
                return;
            }
            steps++;
            rowsStepped += feeds.size();
            for (int row = 0; row < fed.size(); row++) {
                fed.get(row).accept(logits.get(row), tokenizer, stopTokens);
            }
        }
        retireFinished();
    }

    /** Cancels everything, running and waiting: each listener hears a {@link CancellationException}. */
    public void cancelAll() {
        for (GenerationTask task : running) {
            task.close();
            task.listener().onFailure(new CancellationException("cancelled"));
        }
        for (GenerationTask task : waiting) {
            task.listener().onFailure(new CancellationException("cancelled"));
        }
        running.clear();
        waiting.clear();
    }

    private void admit() {
        int tokens = 0;
        for (GenerationTask task : running) {
            tokens += task.finished() ? 0 : 1;
        }
        while (!waiting.isEmpty() && running.size() < limits.maxRows()) {
            GenerationTask next = waiting.peek();
            if (next.isCancelled()) {
                waiting.poll();
                next.listener().onFailure(new CancellationException("cancelled"));
                continue;
            }
            int promptTokens = next.prompt().length;
            if (tokens > 0 && tokens + promptTokens > limits.maxTokensPerStep()) {
                break;
            }
            waiting.poll();
            if (next.start(model, model.newSequence())) {
                running.add(next);
                tokens += promptTokens;
            }
        }
    }

    private void dropCancelled() {
        for (Iterator<GenerationTask> it = running.iterator(); it.hasNext(); ) {
            GenerationTask task = it.next();
            if (task.isCancelled()) {
                it.remove();
                task.close();
                task.listener().onFailure(new CancellationException("cancelled"));
            }
        }
    }

    private void retireFinished() {
        for (Iterator<GenerationTask> it = running.iterator(); it.hasNext(); ) {
            GenerationTask task = it.next();
            if (task.finished()) {
                it.remove();
                task.close();
                task.listener().onComplete(task.completion());
            }
        }
    }
}
