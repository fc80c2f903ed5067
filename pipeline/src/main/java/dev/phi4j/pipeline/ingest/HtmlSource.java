package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;

/** Saved web pages: the text of each HTML file, extracted with jsoup, navigation and other boilerplate removed. */
@Variant("html")
public record HtmlSource(
        @Doc("source name, written to each document's source column") String name,
        @Doc("kind of data") @Default("web") SourceClass sourceClass,
        @Doc("files, directories or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("drop navigation, headers, footers, forms and link lists before taking the text") @Default("true")
        boolean removeBoilerplate,
        @Doc("file endings read inside directories") @Default("[.html, .htm, .html.gz]") List<String> extensions,
        @Doc("larger files are quarantined unread") @Default("67108864") @Range(min = 1) long maxFileBytes,
        @Doc("larger (decompressed) pages are quarantined as record_too_large") @Default("16777216")
        @Range(min = 1) int maxRecordBytes)
        implements SourceConfig {

    @Override
    public RecordReader reader() {
        return new HtmlReader(this);
    }
}
