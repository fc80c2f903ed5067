package dev.phi4j.pipeline.stage;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What a finished stage wrote about itself, as {@code _manifest.json} in its folder; the format is documented in
 * {@code pipeline/README.md}. A stage folder is finished exactly when this file exists. Readers accept any
 * manifest whose {@code format} is {@link #FORMAT} and whose {@code version} they know, and ignore keys they do not
 * know: later stages add sections, and version 1 readers still read them.
 */
public record Manifest(
        String format,
        int version,
        String run,
        StageInfo stage,
        ConfigInfo config,
        List<StageInput> inputs,
        String identity,
        Counts counts,
        Counts chars,
        Map<String, Counts> bySourceClass,
        Outputs outputs,
        Invariant invariant,
        Timings timings,
        Map<String, List<Example>> examples,
        Map<String, JsonNode> sections,
        Environment environment) {

    public static final String FORMAT = "phi4j-pipeline-stage";
    public static final int VERSION = 1;
    public static final String FILE = "_manifest.json";

    /**
     * @param index                  position in the pipeline, from 0
     * @param name                   the stage's name, also in its folder name {@code 02-dedup}
     * @param type                   the {@code stage:} tag of its config
     * @param kind                   {@code source} or {@code transform}
     * @param implementationVersion  {@link Stage#version()}
     */
    public record StageInfo(int index, String name, String type, String kind, String dir, int implementationVersion) {}

    /** The stage's config as resolved (every default filled in) and its hash, part of the stage's identity. */
    public record ConfigInfo(String hash, JsonNode value) {}

    /** Rows (or characters of text) in, kept and dropped, with the dropped ones by reason. */
    public record Counts(long in, long kept, long dropped, Map<String, Long> droppedByReason) {}

    /** The kept rows ({@code data/}) and the dropped ones with their reason ({@code dropped/}), as Parquet. */
    public record Outputs(Output kept, Output dropped) {}

    /**
     * @param path        relative to the stage folder
     * @param fingerprint {@code sha256:…} of the rows' content, independent of their order and partitioning
     */
    public record Output(String path, long rows, long files, long bytes, String fingerprint) {}

    /**
     * The accounting check made after the stage ran: {@code in = kept + dropped}, with kept and dropped counted
     * again from the Parquet footers of what was written.
     */
    public record Invariant(String rule, boolean holds, long in, long kept, long dropped, long keptWritten,
                            long droppedWritten) {}

    public record Timings(String startedAt, String finishedAt, double seconds, Map<String, Double> phases) {}

    /** A few rows per outcome ({@code kept} or a drop reason), the smallest ids first, for the inspection report. */
    public record Example(String id, String sourceClass, String originUri, int chars, String excerpt,
                          Map<String, String> metadata) {}

    public record Environment(String sparkVersion, String master, int defaultParallelism, int outputPartitions,
                              String javaVersion) {}
}
