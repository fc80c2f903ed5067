package dev.phi4j.trainer.distributed;

import dev.phi4j.trainer.train.StepDistribution;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;

/** The Spark context a distributed training run computes in, and the run's mode connected to it. */
public final class SparkTraining {

    private SparkTraining() {}

    /**
     * The run's {@code trainer.distributed} mode in the JVM's Spark context, started for {@code master} when there is
     * none (closing the distribution then stops it); the workers read {@code trainer.distributed.shards}, else
     * {@code shards}.
     */
    public static StepDistribution connect(String master, Trainer.Run run, Path shards) {
        long before = System.currentTimeMillis();
        JavaSparkContext spark = context(master, "phi4j train " + run.directory().getFileName());
        TrainerConfig.DistributedConfig distributed = run.config().distributed();
        String workerShards = distributed.shards().orElse(shards.toAbsolutePath().toString());
        boolean owns = spark.startTime() >= before;
        return switch (distributed.mode()) {
            case GRADIENTS -> new SparkGradients(spark, run, shards, distributed.workers(), workerShards, owns);
            case AVERAGING -> new SparkAveraging(spark, run, shards, distributed.workers(), workerShards, owns);
        };
    }

    /**
     * The JVM's Spark context, created for {@code master} when there is none yet. Under spark-submit the master and
     * settings given there win (they arrive as {@code spark.*} system properties). Local masters bind to the loopback
     * interface, so a laptop run opens no port to the network.
     */
    public static JavaSparkContext context(String master, String appName) {
        SparkConf conf = new SparkConf(true).setAppName(appName);
        if (!conf.contains("spark.master")) {
            conf.setMaster(master);
        }
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "localhost").setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                    .setIfMissing("spark.ui.enabled", "false");
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false")
                // every step collects one gradient per worker, each as large as the model's parameters
                .setIfMissing("spark.driver.maxResultSize", "0");
        return JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
    }
}
