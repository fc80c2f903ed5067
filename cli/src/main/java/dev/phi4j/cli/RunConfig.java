package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;

import java.nio.file.Path;

/** Identity and location of a run: everything it writes goes under {@code output_dir/name}. */
public record RunConfig(
        @Doc("run name; also the folder under output_dir") @Default("phi4j") String name,
        @Doc("parent folder of run folders") @Default("runs") Path outputDir,
        @Doc("seed for every random choice of the run (data order, initialisation, sampling)") @Default("1234") long seed) {

    public Path directory() {
        return outputDir.resolve(name);
    }
}
