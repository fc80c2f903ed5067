package dev.phi4j.pipeline.mixture;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;

/** What building one set needs: Spark, the folder it writes into (renamed into place when done), seed, tokenizer. */
record SetContext(SparkSession spark, Path setDir, long seed, TokenizerSpec tokenizer, PrintStream log, Phases phases) {

    Configuration conf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    Path shardDir() {
        return new Path(setDir, MixtureBuild.SHARDS);
    }

    Path sequencesDir() {
        return new Path(setDir, MixtureBuild.SEQUENCES);
    }
}
