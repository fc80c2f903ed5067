package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;

/** Plain UTF-8 text: a document per file (books, papers) or per block of lines between blank lines. */
@Variant("text")
public record TextSource(
        @Doc("source name, written to each document's source column") String name,
        @Doc("kind of data: books, academic, web, …") SourceClass sourceClass,
        @Doc("files, directories or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("file: one document per file; paragraphs: one per block of lines separated by blank lines")
        @Default("file") Unit unit,
        @Doc("file endings read inside directories") @Default("[.txt, .txt.gz, .md]") List<String> extensions,
        @Doc("larger files are quarantined unread") @Default("4294967296") @Range(min = 1) long maxFileBytes,
        @Doc("longer documents (files or blocks) are quarantined as record_too_large") @Default("67108864")
        @Range(min = 1) int maxRecordBytes)
        implements SourceConfig {

    public enum Unit { FILE, PARAGRAPHS }

    @Override
    public RecordReader reader() {
        return new TextReader(this);
    }
}
