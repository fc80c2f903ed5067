package dev.phi4j.trainer.distributed;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/** The Spark context a distributed training run computes its gradients in. */
public final class SparkTraining {

    private SparkTraining() {}

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
