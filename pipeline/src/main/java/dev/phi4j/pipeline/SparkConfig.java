package dev.phi4j.pipeline;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.util.Map;

/**
 * How the pipeline's Spark session is made. Under {@code spark-submit} the master given there wins over
 * {@code master} here, so one config serves a laptop and a cluster.
 */
public record SparkConfig(
        @Doc("Spark master when not run by spark-submit: local[*], local[2], spark://host:7077, yarn, k8s://…")
        @Default("local[*]") String master,
        @Doc("application name shown by the Spark UI and cluster managers") @Default("phi4j-pipeline") String appName,
        @Doc("spark.sql.shuffle.partitions: partitions of joins and aggregations") @Default("8") @Range(min = 1)
        int shufflePartitions,
        @Doc("Parquet files per stage output; fixed here rather than taken from the cluster so that the same input "
                + "gives the same files on a laptop and a cluster") @Default("4") @Range(min = 1) int outputPartitions,
        @Doc("Spark log level: error, warn, info") @Default("warn") String logLevel,
        @Doc("further Spark settings, e.g. spark.executor.memory: 4g or spark.hadoop.fs.s3a.endpoint: …")
        @Default("{}") Map<String, String> conf) {}
