package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;

/** Common Crawl WET files: WARC {@code conversion} records holding each page's extracted plain text. */
@Variant("wet")
public record WetSource(
        @Doc("source name, written to each document's source column") String name,
        @Doc("kind of data") @Default("web") SourceClass sourceClass,
        @Doc("files, directories or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("file endings read inside directories") @Default("[.wet, .wet.gz]") List<String> extensions,
        @Doc("larger files are quarantined unread") @Default("4294967296") @Range(min = 1) long maxFileBytes,
        @Doc("larger conversion records are quarantined as record_too_large") @Default("16777216")
        @Range(min = 1) int maxRecordBytes)
        implements SourceConfig {

    @Override
    public RecordReader reader() {
        return new WarcFileReader(this, true);
    }
}
