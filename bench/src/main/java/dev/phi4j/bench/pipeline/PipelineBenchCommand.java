package dev.phi4j.bench.pipeline;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "pipeline", mixinStandardHelpOptions = true, description = {
        "Dedup and decontamination throughput (docs/s and MB/s per core) on local[1] vs local[2], and phi4j's",
        "MinHash-LSH vs Spark MLlib's MinHashLSH, on a corpus built from the shared datasets (built once).",
        "Decontamination is timed for the previous matcher (before issue #19) and the new one side by side.",
        "Example: phi4j bench pipeline --size-mb 200 --tasks decontam --repeat 3 --warmup 2"})
public final class PipelineBenchCommand implements Callable<Integer> {
    @Option(names = "--shared", defaultValue = "../shared", description = "folder holding datasets/ (default: ${DEFAULT-VALUE})")
    Path shared;

    @Option(names = "--work-dir", defaultValue = "runs/bench-pipeline", description = "where the corpus is built and kept (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--size-mb", defaultValue = "200", description = "corpus size in MB of text (default: ${DEFAULT-VALUE})")
    int sizeMb;

    @Option(names = "--baseline-docs", defaultValue = "20000", description = "documents of the MLlib comparison slice (default: ${DEFAULT-VALUE})")
    int baselineDocs;

    @Option(names = "--tasks", split = ",", defaultValue = "dedup,decontam", description = "which to time: dedup "
            + "(with the MLlib comparison), decontam (previous matcher, paper rule, all three matchers, and the "
            + "matchers alone) (default: ${DEFAULT-VALUE})")
    List<String> tasks;

    @Option(names = "--repeat", defaultValue = "1", description = "runs of each decontamination row; the table "
            + "reads the median run (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed runs of each decontamination row before "
            + "the timed ones (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws IOException {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
        }
        if (!Files.isDirectory(shared.resolve("datasets"))) {
            throw new IllegalArgumentException(shared.resolve("datasets") + ": shared datasets not found (--shared)");
        }
        List<PipelineBench.Result> results = PipelineBench.run(new PipelineBench.Settings(shared, workDir, sizeMb,
                baselineDocs, List.of(1, 2), tasks, repeat, warmup), System.out);
        System.out.print(PipelineBench.table(results));
        return ExitCode.OK;
    }
}
