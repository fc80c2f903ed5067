package dev.phi4j.pipeline.stage;

/**
 * Something a stage read, as its manifest records it: the previous stage's output, a source's files, a benchmark.
 *
 * @param kind        {@code stage_output}, {@code files}, {@code benchmark}, {@code reference}
 * @param name        the source, benchmark or stage it belongs to
 * @param path        where it was read from (a directory, a glob, or a comma-separated list of them)
 * @param files       number of files read
 * @param bytes       their total size
 * @param fingerprint {@code sha256:…} over the file listing (path, size, modification time) or, for a stage
 *                    output, over the rows themselves; a changed fingerprint re-runs the stage
 */
public record StageInput(String kind, String name, String path, long files, long bytes, String fingerprint) {}
