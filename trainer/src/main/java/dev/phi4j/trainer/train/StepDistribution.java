package dev.phi4j.trainer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a run's steps are computed when it is spread over workers, e.g. Spark executors (module
 * {@code trainer-spark}). Two kinds: a {@link GradientSource} computes each step's gradient elsewhere and leaves the
 * update to the trainer, a {@link ReplicaAveraging} runs whole rounds of steps on replicas and hands back their
 * average. Either way the {@link Trainer} keeps the data order, the schedule, metrics, evaluation and checkpoints, so
 * a distributed run writes what a single-process run writes and either resumes the other's checkpoints.
 */
public interface StepDistribution extends AutoCloseable {

    /**
     * A step's micro-batches dealt to {@code workers}: worker w gets micro-batches w, w + workers, w + 2·workers, …;
     * only workers that get one are listed, so more workers than micro-batches leave the rest idle.
     */
    static List<List<List<Long>>> shares(List<List<Long>> microBatches, int workers) {
        List<List<List<Long>>> shares = new ArrayList<>();
        for (int w = 0; w < workers && w < microBatches.size(); w++) {
            List<List<Long>> share = new ArrayList<>();
            for (int i = w; i < microBatches.size(); i += workers) {
                share.add(microBatches.get(i));
            }
            shares.add(share);
        }
        return shares;
    }

    /** Timings or counts of the last step, by name, written into the step's metrics line. */
    default Map<String, Double> stepMetrics() {
        return Map.of();
    }

    /** A short description for the progress output, e.g. "gradient sharing over 2 Spark workers (local[2])". */
    String describe();

    @Override
    default void close() {}
}
