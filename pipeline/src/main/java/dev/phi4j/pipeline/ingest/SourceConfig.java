package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.config.Variants;
import dev.phi4j.core.schema.SourceClass;

import java.io.Serializable;
import java.util.List;

/**
 * One configured source of an ingest stage; {@code format:} names its reader:
 * <pre>
 * - format: jsonl
 *   name: gsm8k-train
 *   source_class: qa
 *   paths: [../shared/datasets/gsm8k/train.jsonl]
 *   text_fields: [question, answer]
 * </pre>
 * Paths are local paths or Hadoop URIs ({@code hdfs://…}, {@code s3a://…}), files, directories (read recursively,
 * files with one of {@code extensions}) or globs.
 */
@Variants(key = "format", value = {JsonlSource.class, TextSource.class, HtmlSource.class, WarcSource.class,
        WetSource.class, ParquetSource.class, CodeSource.class})
public interface SourceConfig extends Serializable {

    /** The source's name, written to every document's {@code source} column. */
    String name();

    SourceClass sourceClass();

    List<String> paths();

    /** File name endings read when a path is a directory; files named directly are read whatever their name. */
    List<String> extensions();

    /** Files larger than this are quarantined as {@code file_too_large} without being read. */
    long maxFileBytes();

    /** Records (lines, WARC payloads, whole files) larger than this are quarantined as {@code record_too_large}. */
    int maxRecordBytes();

    /** Directory names never descended into, e.g. {@code node_modules}; empty for most formats. */
    default List<String> skipDirs() {
        return List.of();
    }

    /** The reader of one file; null for formats Spark reads itself (Parquet). */
    RecordReader reader();
}
