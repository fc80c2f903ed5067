package dev.phi4j.pipeline.ingest;

import java.io.Serializable;

/**
 * A file a source reads, as listed on the driver.
 *
 * @param uri      fully qualified, e.g. {@code file:/data/web/a.warc.gz} or {@code s3a://bucket/a.jsonl}
 * @param root     the configured path it was found under, so code files get a path relative to their tree
 */
record SourceFile(String uri, long length, long modificationTime, String root) implements Serializable {

    String name() {
        return uri.substring(uri.lastIndexOf('/') + 1);
    }

    /**
     * Where {@code origin} (this file's URI, perhaps with a {@code #fragment}) lies below the configured path, e.g.
     * {@code sub/a.txt#line=3}, or {@code a.txt#line=3} for a file configured by name. Record ids hash this rather
     * than the absolute URI, so a checkout or a bucket mounted elsewhere yields the same ids.
     */
    String location(String origin) {
        return origin.startsWith(uri) ? relativePath() + origin.substring(uri.length()) : origin;
    }

    /** The path below {@link #root}, or the file name when it was listed directly. */
    String relativePath() {
        return uri.startsWith(root + "/") ? uri.substring(root.length() + 1) : name();
    }
}
