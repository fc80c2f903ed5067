package dev.phi4j.pipeline;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import java.util.function.Function;

/** The Spark session of a pipeline run, from its {@code spark:} section. */
public final class PipelineSpark {

    private PipelineSpark() {}

    /**
     * A session for {@code config}. Under spark-submit the master and settings given there win (they arrive as
     * {@code spark.*} system properties); otherwise {@code config.master()} applies. Local masters bind to the
     * loopback interface, so a laptop run opens no port to the network.
     */
    public static SparkSession session(SparkConfig config) {
        SparkConf submitted = new SparkConf(true);
        SparkSession.Builder builder = SparkSession.builder().appName(config.appName());
        String master = submitted.contains("spark.master") ? submitted.get("spark.master") : config.master();
        if (!submitted.contains("spark.master")) {
            builder.master(master);
        }
        if (master.startsWith("local")) {
            builder.config("spark.driver.host", "localhost").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        builder.config("spark.sql.shuffle.partitions", Integer.toString(config.shufflePartitions()))
                .config("spark.ui.showConsoleProgress", "false");
        config.conf().forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        spark.sparkContext().setLogLevel(config.logLevel().toUpperCase(java.util.Locale.ROOT));
        return spark;
    }

    /** Runs {@code job} in a session for {@code config} and stops the session afterwards, whatever happens. */
    public static <T> T withSession(SparkConfig config, Function<SparkSession, T> job) {
        SparkSession spark = session(config);
        try {
            return job.apply(spark);
        } finally {
            spark.stop();
        }
    }
}
