package dev.phi4j.pipeline.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Turns one file of a source into stage rows, lazily: one row per raw record, kept or quarantined with a reason
 * and its location. Runs on executors; never throws for bad content, only for bugs.
 */
interface RecordReader extends Serializable {

    Iterator<Row> read(SourceFile file, Configuration conf);
}
