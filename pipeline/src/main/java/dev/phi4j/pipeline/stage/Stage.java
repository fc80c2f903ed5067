package dev.phi4j.pipeline.stage;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One step of a data pipeline: reads records and yields records (datatrove's {@code PipelineStep}).
 *
 * <p>The input has the columns of a record type (usually {@link dev.phi4j.core.schema.Document}). The output has
 * the same columns, possibly rewritten (cleaned text, cut spans), plus {@link #DROP_REASON}: null for a kept row,
 * a short snake_case reason such as {@code too_short} or {@code near_duplicate} for a dropped one. A stage never
 * removes a row itself: the framework writes kept rows and counts dropped ones by reason, so every stage accounts
 * for every record (in = kept + dropped). Rows that arrive with a reason already set pass through unchanged.
 *
 * <p>A stage checks its configuration when it is built, not halfway through a run, and is deterministic: the same
 * input gives the same output rows, whatever the partitioning.
 */
public interface Stage {

    /** Column naming why a row was dropped; null when the row is kept. */
    String DROP_REASON = "drop_reason";

    /** Short name used for the stage's folder and manifest, e.g. {@code clean} or {@code dedup}. */
    String name();

    /** Marks (and may rewrite) every row; see the class comment for the contract. */
    Dataset<Row> apply(Dataset<Row> in, StageContext context);
}
