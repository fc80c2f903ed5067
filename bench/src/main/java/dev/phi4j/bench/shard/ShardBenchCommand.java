package dev.phi4j.bench.shard;

import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "shards", mixinStandardHelpOptions = true, description = {
        "Token shard read throughput: phi4j's flat binary shards vs the same rows as Parquet PackedSequence records.",
        "Example: bin/phi4j bench shards --rows 4096 --seq-len 1024"})
public final class ShardBenchCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "4096", description = "rows written and read (default: ${DEFAULT-VALUE})")
    int rows;
    @Option(names = "--seq-len", defaultValue = "1024", description = "tokens per row minus one (default: ${DEFAULT-VALUE})")
    int seqLen;
    @Option(names = "--vocab", defaultValue = "32000", description = "token ids below this (default: ${DEFAULT-VALUE})")
    int vocab;
    @Option(names = "--rounds", defaultValue = "5", description = "timed rounds; the fastest counts (default: ${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() throws IOException {
        Path work = Files.createTempDirectory("phi4j-shard-bench");
        try {
            System.out.print(ShardReadBench.run(work, new ShardReadBench.Settings(rows, seqLen, vocab, rounds)).render());
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return ExitCode.OK;
    }
}
