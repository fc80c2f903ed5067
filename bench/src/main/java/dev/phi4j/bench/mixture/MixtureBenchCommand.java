package dev.phi4j.bench.mixture;

import dev.phi4j.core.tokenizer.TokenizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "mixture", mixinStandardHelpOptions = true, description = {
        "Tokenize + pack throughput of phi4j mixture per core (Spark local[N]) vs the tokenizer alone, and the",
        "trainer-side read speed of the shards it writes (with bench shards' flat binary vs Parquet table).",
        "Example: bin/phi4j bench mixture --copies 8 --cores 1,2"})
public final class MixtureBenchCommand implements Callable<Integer> {

    @Option(names = "--shared", defaultValue = "../shared", description = "folder holding datasets/ (default: ${DEFAULT-VALUE})")
    Path shared;

    @Option(names = "--work-dir", defaultValue = "runs/bench-mixture", description = "where the corpus, run and shards go (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--copies", defaultValue = "8", description = "copies of every shared text in the corpus (default: ${DEFAULT-VALUE})")
    int copies;

    @Option(names = "--seq-len", defaultValue = "1024", description = "tokens per packed sequence (default: ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--cores", defaultValue = "1,2", split = ",", description = "Spark local[N] runs (default: ${DEFAULT-VALUE})")
    List<Integer> cores;

    @Option(names = "--rounds", defaultValue = "2", description = "timed rounds after a warm-up; the fastest counts (default: ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(shared.resolve("datasets"))) {
            throw new IllegalArgumentException(shared.resolve("datasets") + ": shared datasets not found (--shared)");
        }
        TokenizerConfig phi4 = new TokenizerConfig(TokenizerConfig.Kind.PHI4, Optional.empty(), 1024, List.of());
        MixtureBench.Result result = MixtureBench.run(new MixtureBench.Settings(shared, workDir, phi4, seqLen, copies,
                cores, rounds), System.err);
        System.out.print(result.render());
        return ExitCode.OK;
    }
}
