package dev.phi4j.pipeline;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

/** Where a pipeline run writes and what it keeps: everything goes under {@code output_dir/name}. */
public record RunConfig(
        @Doc("run name; also the folder under output_dir") @Default("pipeline") String name,
        @Doc("parent folder of run folders: a local path or a Hadoop URI (hdfs://…, s3a://…)") @Default("runs") String outputDir,
        @Doc("seed for every random choice of the run (MinHash permutations, sampling)") @Default("1234") long seed,
        @Doc("write dropped rows with their reason to each stage's dropped/ folder, so nothing is lost") @Default("true")
        boolean keepDropped,
        @Doc("rows per outcome (kept, each drop reason) quoted in the manifest for the inspection report")
        @Default("3") @Range(min = 0, max = 100) int examples) {

    /** The run folder: {@code output_dir/name}. */
    public String directory() {
        return outputDir.endsWith("/") ? outputDir + name : outputDir + "/" + name;
    }
}
