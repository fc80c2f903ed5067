package dev.phi4j.trainer.distributed;

import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.trainer.train.StepDistribution;
import dev.phi4j.trainer.train.Trainer;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What both distributed modes share: the Spark context, the run as the workers rebuild it ({@link StepWorker.Spec}),
 * the split of a step's micro-batches over the workers (micro-batch i goes to worker i mod workers) and one Spark job
 * per exchange, bounded by {@code trainer.distributed.job_timeout_s}.
 */
abstract class SparkSteps implements StepDistribution {

    private final JavaSparkContext spark;
    private final boolean ownsContext;
    private final double jobTimeoutSeconds;
    final StepWorker.Spec spec;
    final int workers;
    Map<String, Double> last = Map.of();

    /**
     * @param shards       the shard directory the run trains on, as the driver reads it
     * @param workerShards where the workers read it: that directory's path (the same on every worker), or a Hadoop
     *                     file system URI of a copy ({@code trainer.distributed.shards})
     */
    SparkSteps(JavaSparkContext spark, Trainer.Run run, Path shards, int workers, String workerShards,
               boolean ownsContext) {
        this.spark = spark;
        this.ownsContext = ownsContext;
        this.workers = workers;
        this.jobTimeoutSeconds = run.config().distributed().jobTimeoutS();
        String manifest;
        try {
            manifest = Sha256.tagged(Files.readAllBytes(shards.resolve(ShardManifest.FILE_NAME)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.spec = new StepWorker.Spec(UUID.randomUUID().toString(), workerShards, manifest,
                ConfigJson.toJson(run.model()).toString(), ConfigJson.toJson(run.config()).toString(),
                Trainer.masking(run.config()), run.seed());
    }

    /** Stops the Spark context when {@link SparkTraining#connect} started it (not one the JVM already had). */
    @Override
    public void close() {
        if (ownsContext) {
            spark.stop();
        }
    }

    JavaSparkContext context() {
        return spark;
    }

    @Override
    public Map<String, Double> stepMetrics() {
        return last;
    }

    /** "… over 2 Spark worker(s) on local[2]" after the mode's name. */
    String on() {
        return String.format(Locale.ROOT, "over %d Spark worker(s) on %s", workers, spark.master());
    }

    /** {@link StepDistribution#shares} as the tasks carry them: per worker, its micro-batches' rows. */
    List<long[][]> split(List<List<Long>> microBatches) {
        return StepDistribution.shares(microBatches, workers).stream().map(share -> share.stream()
                .map(rows -> rows.stream().mapToLong(Long::longValue).toArray()).toArray(long[][]::new)).toList();
    }

    /**
     * Runs {@code task} on each of {@code tasks}, one Spark task apiece, and returns the results in task order. A job
     * that fails after Spark's own retries, or is still running after {@code job_timeout_s} (then cancelled), throws
     * a {@link DistributedTrainingException} naming {@code steps} and {@code what} the job does.
     */
    <T extends Serializable, R> List<R> runJob(List<T> tasks, Function<T, R> task, String steps, String what) {
        JavaFutureAction<List<R>> job = spark.parallelize(tasks, tasks.size()).map(task).collectAsync();
        try {
            return jobTimeoutSeconds > 0
                    ? job.get((long) Math.ceil(jobTimeoutSeconds * 1000), TimeUnit.MILLISECONDS) : job.get();
        } catch (TimeoutException e) {
            job.cancel(true);
            throw new DistributedTrainingException(steps, what, new TimeoutException(String.format(Locale.ROOT,
                    "no result after %s s (trainer.distributed.job_timeout_s), the job was cancelled",
                    jobTimeoutSeconds)));
        } catch (ExecutionException e) {
            throw new DistributedTrainingException(steps, what, e.getCause());
        } catch (InterruptedException e) {
            job.cancel(true);
            Thread.currentThread().interrupt();
            throw new DistributedTrainingException(steps, what, e);
        }
    }
}
