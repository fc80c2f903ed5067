package dev.phi4j.core.run;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;

import java.nio.file.Path;

/**
 * Identity and location of a run, the {@code run:} section of every config: everything the run writes goes under
 * {@code output_dir/name}.
 */
public record RunConfig(
        @Doc("run name; also the folder under output_dir") @Default("phi4j") String name,
        @Doc("parent folder of run folders: a local path; the data pipeline also takes a Hadoop URI (hdfs://…, "
                + "s3a://…)") @Default("runs") String outputDir,
        @Doc("seed for every random choice of the run (data order, initialisation, MinHash permutations, sampling)")
        @Default("1234") long seed) {

    /** The run folder, {@code output_dir/name}, as a local path or Hadoop URI. */
    public String location() {
        return outputDir.endsWith("/") ? outputDir + name : outputDir + "/" + name;
    }

    /** The run folder on this machine, for the commands that write local files (train, generate, reproduce). */
    public Path directory() {
        return Path.of(outputDir).resolve(name);
    }
}
