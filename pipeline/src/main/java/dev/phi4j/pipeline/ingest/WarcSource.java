package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;

/**
 * Web archives (WARC 1.0/1.1, gzipped per record as Common Crawl writes them): the text of each HTML response,
 * extracted with jsoup. Other records (requests, metadata, non-HTML or non-2xx responses) are counted as dropped.
 */
@Variant("warc")
public record WarcSource(
        @Doc("source name, written to each document's source column") String name,
        @Doc("kind of data") @Default("web") SourceClass sourceClass,
        @Doc("files, directories or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("drop navigation, headers, footers, forms and link lists before taking the text") @Default("true")
        boolean removeBoilerplate,
        @Doc("file endings read inside directories") @Default("[.warc, .warc.gz]") List<String> extensions,
        @Doc("larger files are quarantined unread") @Default("4294967296") @Range(min = 1) long maxFileBytes,
        @Doc("larger response payloads are quarantined as record_too_large") @Default("16777216")
        @Range(min = 1) int maxRecordBytes)
        implements SourceConfig {

    @Override
    public RecordReader reader() {
        return new WarcFileReader(this, false);
    }
}
