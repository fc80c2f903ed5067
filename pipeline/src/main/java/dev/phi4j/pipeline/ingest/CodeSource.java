package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.schema.SourceClass;

import java.util.List;
import java.util.Map;

/**
 * Source trees: a document per file, its language named by extension. Vendored and generated folders are not
 * descended into; binary files and files of no known language are counted as dropped.
 */
@Variant("code")
public record CodeSource(
        @Doc("source name, e.g. the repository; written to each document's source column") String name,
        @Doc("kind of data") @Default("code") SourceClass sourceClass,
        @Doc("source tree roots, files or globs; local paths or hdfs://, s3a:// URIs") List<String> paths,
        @Doc("extra or overriding extension → language entries, e.g. {.pyx: cython}") @Default("{}")
        Map<String, String> languages,
        @Doc("folder names never descended into")
        @Default("[.git, .hg, .svn, node_modules, vendor, third_party, __pycache__, .venv, venv, target, build, dist, .idea]")
        List<String> skipDirs,
        @Doc("file endings read inside directories; empty reads every file (unknown languages are dropped)")
        @Default("[]") List<String> extensions,
        @Doc("larger files (generated, minified, data) are quarantined unread") @Default("1048576") @Range(min = 1)
        long maxFileBytes,
        @Doc("larger files are quarantined as record_too_large") @Default("1048576") @Range(min = 1) int maxRecordBytes)
        implements SourceConfig {

    @Override
    public RecordReader reader() {
        return new CodeReader(this);
    }
}
