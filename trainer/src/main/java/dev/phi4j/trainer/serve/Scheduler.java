package dev.phi4j.trainer.serve;

import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.CompletionListener;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.GenerationTask;
import dev.phi4j.trainer.generate.TokenLogprob;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queues the samples of concurrent requests and drives one {@link DecodeLoop} on its own thread, so that every sample
 * pending at a step shares that step's forward (continuous batching). The only thread that touches the model.
 * Public for its {@link Stats} alone, which the server benchmark reads through {@link OpenAiServer#schedulerStats}.
 */
public final class Scheduler implements AutoCloseable {

    /** Counters for {@code /health} and the benchmarks. */
    public record Stats(int outstanding, long steps, long rowsStepped, long completedSamples) {
        double meanBatch() {
            return steps == 0 ? 0 : (double) rowsStepped / steps;
        }
    }

    private final DecodeLoop loop;
    private final int maxOutstanding;
    private final LinkedBlockingQueue<GenerationTask> incoming = new LinkedBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong rowsStepped = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;

    Scheduler(DecodeLoop loop, int maxOutstanding) {
        this.loop = loop;
        this.maxOutstanding = maxOutstanding;
        this.thread = new Thread(this::run, "phi4j-scheduler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    DecodeLoop loop() {
        return loop;
    }

    /** Thrown when the queue is full: the caller answers 503. */
    static final class Overloaded extends RuntimeException {
        Overloaded(String message) {
            super(message);
        }
    }

    /**
     * Queues the samples of one request, all or none. Build each task with a listener from {@link #tracked}; it hears
     * its sample's deltas and its end on the scheduler's thread (a cancelled sample ends with a
     * {@link java.util.concurrent.CancellationException}).
     */
    void submit(List<GenerationTask> samples) {
        if (stopping) {
            throw new Overloaded("the server is shutting down");
        }
        int after = outstanding.addAndGet(samples.size());
        if (after > maxOutstanding) {
            outstanding.addAndGet(-samples.size());
            throw new Overloaded("the server has " + (after - samples.size()) + " samples queued or running, its limit "
                    + "is " + maxOutstanding + "; retry later");
        }
        incoming.addAll(samples);
    }

    Stats stats() {
        return new Stats(outstanding.get(), steps.get(), rowsStepped.get(), completed.get());
    }

    /** Stops taking samples, lets the running and queued ones finish for up to {@code grace}, then cancels the rest. */
    void close(Duration grace) {
        stopping = true;
        try {
            thread.join(Math.max(1, grace.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    private void run() {
        try {
            while (true) {
                for (GenerationTask task; (task = incoming.poll()) != null; ) {
                    loop.submit(task);
                }
                if (loop.idle()) {
                    if (stopping && incoming.isEmpty()) {
                        return;
                    }
                    GenerationTask next = incoming.poll(100, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        loop.submit(next);
                    }
                    continue;
                }
                long before = loop.rowsStepped();
                loop.step();
                if (loop.rowsStepped() > before) {
                    steps.incrementAndGet();
                    rowsStepped.addAndGet(loop.rowsStepped() - before);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } catch (InterruptedException e) {
            for (GenerationTask task; (task = incoming.poll()) != null; ) {
                loop.submit(task);
            }
            loop.cancelAll();
        }
    }

    /** The listener a task submitted here must carry, so the scheduler knows when its sample has ended. */
    CompletionListener tracked(CompletionListener listener) {
        return new CompletionListener() {
            @Override
            public void onDelta(String text, List<TokenLogprob> logprobs) {
                listener.onDelta(text, logprobs);
            }

            @Override
            public void onPromptLogprobs(List<TokenLogprob> logprobs) {
                listener.onPromptLogprobs(logprobs);
            }

            @Override
            public void onComplete(Completion completion) {
                outstanding.decrementAndGet();
                completed.incrementAndGet();
                listener.onComplete(completion);
            }

            @Override
            public void onFailure(Throwable failure) {
                outstanding.decrementAndGet();
                listener.onFailure(failure);
            }
        };
    }
}
