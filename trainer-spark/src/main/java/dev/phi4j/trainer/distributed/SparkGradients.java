package dev.phi4j.trainer.distributed;

import dev.phi4j.trainer.train.GradientSource;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synchronous gradient sharing over Spark: each step the driver broadcasts the flattened weights and runs one job of
 * {@code workers} tasks; task w computes the objective's loss, target and gradient sums over the step's micro-batches
 * i with i mod workers = w ({@link StepWorker#gradients}), and the driver adds the workers' sums into the step's
 * gradient buffer in worker order. The trainer then clips and applies AdamW on the driver as in a single-process run,
 * so the losses are the single-process run's up to float summation order, and the checkpoints are the same.
 *
 * <p>Each step's metrics line gains {@code broadcast_s} (weights to a broadcast), {@code compute_s} (the slowest
 * worker's forward and backward), {@code exchange_s} (the rest of the step's gradient half: broadcast, scheduling,
 * shipping and summing the gradients) and {@code workers}.
 */
public final class SparkGradients extends SparkSteps implements GradientSource {

    /** Workers read {@code shards} through {@code workerShards} (see {@link SparkSteps}). */
    public SparkGradients(JavaSparkContext spark, Trainer.Run run, Path shards, int workers, String workerShards) {
        this(spark, run, shards, workers, workerShards, false);
    }

    /** Workers read {@code shards} at the driver's path. */
    public SparkGradients(JavaSparkContext spark, Trainer.Run run, Path shards, int workers) {
        this(spark, run, shards, workers, shards.toAbsolutePath().toString(), false);
    }

    SparkGradients(JavaSparkContext spark, Trainer.Run run, Path shards, int workers, String workerShards,
                   boolean ownsContext) {
        super(spark, run, shards, workers, workerShards, ownsContext);
    }

    @Override
    public Objective.Sum accumulate(long step, List<List<Long>> microBatches, INDArray params, INDArray gradientSum) {
        long start = System.nanoTime();
        Broadcast<float[]> weights = context().broadcast(params.toFloatVector());
        long broadcast = System.nanoTime();
        List<StepWorker.GradientTask> tasks = new ArrayList<>();
        List<long[][]> shares = split(microBatches);
        for (int w = 0; w < shares.size(); w++) {
            tasks.add(new StepWorker.GradientTask(step, w, shares.get(w)));
        }
        List<StepWorker.GradientResult> results;
        try {
            results = runJob(tasks, new Compute(spec, weights), "step " + step, "computing its gradients");
        } finally {
            weights.destroy();
        }
        Objective.Sum total = Objective.Sum.ZERO;
        double compute = 0;
        for (StepWorker.GradientResult result : results) {
            gradientSum.addi(Nd4j.createFromArray(result.gradient()).reshape(gradientSum.shape()));
            total = total.plus(new Objective.Sum(result.loss(), result.targets()));
            compute = Math.max(compute, result.computeSeconds());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("workers", (double) results.size());
        metrics.put("broadcast_s", (broadcast - start) / 1e9);
        metrics.put("compute_s", compute);
        metrics.put("exchange_s", Math.max(0, seconds - compute));
        last = metrics;
        return total;
    }

    @Override
    public String describe() {
        return "gradient sharing " + on();
    }

    /** The task function: serializable, capturing the spec and the broadcast only. */
    private record Compute(StepWorker.Spec spec, Broadcast<float[]> weights)
            implements Function<StepWorker.GradientTask, StepWorker.GradientResult> {

        @Override
        public StepWorker.GradientResult call(StepWorker.GradientTask task) {
            return StepWorker.gradients(spec, weights.value(), task);
        }
    }
}
