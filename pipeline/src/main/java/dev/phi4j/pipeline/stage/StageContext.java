package dev.phi4j.pipeline.stage;

import org.apache.spark.sql.SparkSession;

import java.util.Map;

/** What a running stage may use besides its input: the Spark session, the run's seed, and its manifest. */
public interface StageContext {

    SparkSession spark();

    /** The run's seed; a stage that samples or hashes with randomness derives its own from this. */
    long seed();

    /**
     * How many rows of each outcome a stage shows ({@code stage_output.examples}): the manifest's examples, and the
     * records a stage lists for the report's sample browser ({@link LineageRecord#SECTION}).
     */
    int examples();

    /**
     * Adds a stage-specific section to the stage's manifest (e.g. dedup's cluster-size histogram, decontamination's
     * per-benchmark hits). The value must be JSON-serialisable: records, maps, lists, strings, numbers, booleans.
     * Record components are written in snake_case. Section names are the stage's name plus a dot and a noun, e.g.
     * {@code dedup.clusters}, so that sections of different stages never collide.
     */
    void report(String section, Object value);

    /** Sections reported so far, in the order they were added. */
    Map<String, Object> reported();
}
