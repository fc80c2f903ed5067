package dev.phi4j.pipeline.stage;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * One step of a data pipeline: reads records and yields records (datatrove's {@code PipelineStep}).
 *
 * <p>A stage declares the record type it {@link #reads} and the one it {@link #writes} (a
 * {@link dev.phi4j.core.schema.Document}, {@link dev.phi4j.core.schema.Seed}, …). The input has the columns of the
 * read type: the kept rows of the stages it names as input, unioned. The output has the columns of the written type,
 * possibly rewritten (cleaned text, cut spans), plus {@link #DROP_REASON}: null for a kept row,
 * a short snake_case reason such as {@code too_short} or {@code near_duplicate} for a dropped one. A stage never
 * removes a row itself: the framework writes kept rows and counts dropped ones by reason, so every stage accounts
 * for every record (in = kept + dropped). Details of a decision (the duplicate's representative, the benchmark
 * item a document overlaps) go into the row's {@code metadata} under the stage's name, e.g. {@code dedup.duplicate_of}.
 *
 * <p>A stage checks its configuration when it is built, not halfway through a run, and is deterministic: the same
 * input gives the same output rows, whatever the partitioning.
 */
public interface Stage {

    /** Column naming why a row was dropped; null when the row is kept. */
    String DROP_REASON = "drop_reason";

    /** Whether a stage reads other stages' rows or produces rows of its own from outside sources. */
    enum Kind {
        /** Reads files (ingest): each raw record read becomes one row, kept or quarantined with a reason. */
        SOURCE,
        /** Reads the kept rows of its input stages; in = the sum of their kept counts. */
        TRANSFORM,
        /**
         * Reads the kept rows of its input stages and yields any number of rows for each (a document's seed
         * excerpts). Each output row names its input row in {@link #parentColumn()}; every input row must be the
         * parent of at least one output row, kept or dropped, so an input that yields nothing is still accounted for
         * by a dropped row saying why.
         */
        EXPAND
    }

    /** Short name used for the stage's folder and manifest, e.g. {@code clean} or {@code dedup}. */
    String name();

    default Kind kind() {
        return Kind.TRANSFORM;
    }

    /** For an {@link Kind#EXPAND} stage: the column of its output naming the id of the input row it came from. */
    default String parentColumn() {
        throw new UnsupportedOperationException("stage " + name() + " is not an expanding stage");
    }

    /**
     * The record type of the rows the stage reads: its input stages must write this type. A source stage reads
     * files, not rows; it names the type it reads them into.
     */
    Class<? extends Record> reads();

    /** The record type of the rows the stage writes: the columns of its {@code data/} and {@code dropped/}. */
    Class<? extends Record> writes();

    /**
     * Version of the stage's behaviour; part of its identity, so bumping it when the algorithm changes makes
     * finished runs redo the stage instead of reusing output computed the old way.
     */
    default int version() {
        return 1;
    }

    /**
     * Files the stage reads besides its input stages' output (a source's files, benchmark test sets), each
     * with a fingerprint. They are part of the stage's identity: a changed benchmark file re-runs decontamination.
     * Called on the driver before {@link #apply}; listing only, no reading of the corpus.
     */
    default List<StageInput> inputs(StageContext context) {
        return List.of();
    }

    /** Marks (and may rewrite) every row; see the class comment for the contract. A source stage ignores {@code in}. */
    Dataset<Row> apply(Dataset<Row> in, StageContext context);

    /**
     * Adds the stage's own manifest sections ({@link StageContext#report}) from its finished output, which the
     * framework has persisted: aggregations here do not recompute the stage. Collect only small results.
     */
    default void summarize(Dataset<Row> output, StageContext context) {}
}
