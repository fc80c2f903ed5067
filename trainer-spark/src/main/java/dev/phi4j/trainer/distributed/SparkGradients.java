package dev.phi4j.trainer.distributed;

import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.trainer.train.GradientSource;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Synchronous gradient sharing over Spark: each step the driver broadcasts the flattened weights and runs one job of
 * {@code workers} tasks; task w computes the objective's loss, target and gradient sums over the step's micro-batches
 * i with i mod workers = w ({@link GradientWorker}), and the driver adds the workers' sums into the step's gradient
 * buffer in worker order. The trainer then clips and applies AdamW on the driver as in a single-process run, so the
 * losses are the single-process run's up to float summation order, and the checkpoints are the same.
 *
 * <p>Each step's metrics line gains {@code broadcast_s} (weights to a broadcast), {@code compute_s} (the slowest
 * worker's forward and backward), {@code exchange_s} (the rest of the step's gradient half: broadcast, scheduling,
 * shipping and summing the gradients) and {@code workers}.
 */
public final class SparkGradients implements GradientSource {

    private final JavaSparkContext spark;
    private final GradientWorker.Spec spec;
    private final int workers;
    private final boolean ownsContext;
    private Map<String, Double> last = Map.of();

    /**
     * @param shards  the shard directory the run trains on, as the driver reads it
     * @param workers Spark tasks per step
     * @param workerShards where the workers read it: that directory's path (the same on every worker), or a Hadoop
     *                     file system URI of a copy ({@code trainer.distributed.shards})
     */
    public SparkGradients(JavaSparkContext spark, Trainer.Run run, Path shards, int workers, String workerShards) {
        this(spark, run, shards, workers, workerShards, false);
    }

    /** Workers read {@code shards} at the driver's path. */
    public SparkGradients(JavaSparkContext spark, Trainer.Run run, Path shards, int workers) {
        this(spark, run, shards, workers, shards.toAbsolutePath().toString(), false);
    }

    private SparkGradients(JavaSparkContext spark, Trainer.Run run, Path shards, int workers, String workerShards,
                           boolean ownsContext) {
        this.spark = spark;
        this.ownsContext = ownsContext;
        this.workers = workers;
        String manifest;
        try {
            manifest = Sha256.tagged(Files.readAllBytes(shards.resolve(ShardManifest.FILE_NAME)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.spec = new GradientWorker.Spec(UUID.randomUUID().toString(), workerShards, manifest,
                ConfigJson.toJson(run.model()).toString(), ConfigJson.toJson(run.config()).toString(),
                Trainer.masking(run.config()), run.seed());
    }

    /**
     * Gradient sharing for {@code run} in the JVM's Spark context, started for {@code master} when there is none
     * ({@link #close} then stops it); the workers read {@code trainer.distributed.shards}, else {@code shards}.
     */
    public static SparkGradients connect(String master, Trainer.Run run, Path shards, int workers) {
        long before = System.currentTimeMillis();
        JavaSparkContext spark = SparkTraining.context(master, "phi4j train " + run.directory().getFileName());
        String workerShards = run.config().distributed().shards().orElse(shards.toAbsolutePath().toString());
        return new SparkGradients(spark, run, shards, workers, workerShards, spark.startTime() >= before);
    }

    /** Stops the Spark context when {@link #connect} started it (not one the JVM already had). */
    @Override
    public void close() {
        if (ownsContext) {
            spark.stop();
        }
    }

    @Override
    public Objective.Sum accumulate(long step, List<List<Long>> microBatches, INDArray params, INDArray gradientSum) {
        long start = System.nanoTime();
        Broadcast<float[]> weights = spark.broadcast(params.toFloatVector());
        long broadcast = System.nanoTime();
        List<GradientWorker.Task> tasks = new ArrayList<>();
        for (int w = 0; w < workers && w < microBatches.size(); w++) {
            List<long[]> rows = new ArrayList<>();
            for (int i = w; i < microBatches.size(); i += workers) {
                rows.add(microBatches.get(i).stream().mapToLong(Long::longValue).toArray());
            }
            tasks.add(new GradientWorker.Task(step, w, rows.toArray(long[][]::new)));
        }
        List<GradientWorker.Result> results;
        try {
            results = new ArrayList<>(spark.parallelize(tasks, tasks.size()).map(new Compute(spec, weights))
                    .collect());
        } catch (Exception e) {            // SparkException is checked, and Scala throws it undeclared
            throw new DistributedTrainingException(step, e);
        } finally {
            weights.destroy();
        }
        results.sort(Comparator.comparingInt(GradientWorker.Result::worker));
        Objective.Sum total = Objective.Sum.ZERO;
        double compute = 0;
        for (GradientWorker.Result result : results) {
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
    public Map<String, Double> stepMetrics() {
        return last;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "gradient sharing over %d Spark worker(s) on %s", workers, spark.master());
    }

    /** The task function: serializable, capturing the spec and the broadcast only. */
    private record Compute(GradientWorker.Spec spec, Broadcast<float[]> weights)
            implements Function<GradientWorker.Task, GradientWorker.Result> {

        @Override
        public GradientWorker.Result call(GradientWorker.Task task) {
            return GradientWorker.compute(spec, weights.value(), task);
        }
    }

    /** A step's Spark job failed after Spark's own retries: the run stops, its last checkpoint intact. */
    public static final class DistributedTrainingException extends RuntimeException {

        DistributedTrainingException(long step, Exception cause) {
            super("step " + step + ": the Spark job computing its gradients failed (" + rootMessage(cause)
                    + "); nothing of step " + step + " was applied. Check the workers, then continue from the "
                    + "last checkpoint with --resume", cause);
        }

        private static String rootMessage(Throwable e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int newline = message.indexOf('\n');
            return newline < 0 ? message : message.substring(0, newline);
        }
    }
}
