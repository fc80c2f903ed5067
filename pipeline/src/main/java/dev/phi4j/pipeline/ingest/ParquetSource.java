package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;
import java.util.Optional;

/**
 * Parquet files: either any table with a text column (plus optional id and metadata columns), or, with
 * {@code documents: true}, phi4j Document files (e.g. another run's stage output) taken as they are.
 */
@Variant("parquet")
public record ParquetSource(
        @Doc("source name, written to each document's source column (unless documents: true)") String name,
        @Doc("kind of data (unless documents: true)") @Default("other") SourceClass sourceClass,
        @Doc("files, directories or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("the files hold phi4j Documents: keep their ids, sources and classes") @Default("false") boolean documents,
        @Doc("string column holding the text") @Default("text") String textColumn,
        @Doc("column holding the row's own id, kept as metadata source_id") Optional<String> idColumn,
        @Doc("columns copied into the document's metadata, as strings") @Default("[]") List<String> metadataColumns,
        @Doc("file endings read inside directories") @Default("[.parquet]") List<String> extensions,
        @Doc("larger files are quarantined unread") @Default("4294967296") @Range(min = 1) long maxFileBytes,
        @Doc("rows with longer text are quarantined as record_too_large") @Default("67108864") @Range(min = 1)
        int maxRecordBytes)
        implements SourceConfig {

    @Override
    public RecordReader reader() {
        return null;
    }
}
