package dev.phi4j.bench;

import dev.phi4j.bench.distributed.DistributedBenchCommand;
import dev.phi4j.bench.inference.GenerateBenchCommand;
import dev.phi4j.bench.inference.ServeBenchCommand;
import dev.phi4j.bench.mixture.MixtureBenchCommand;
import dev.phi4j.bench.pipeline.PipelineBenchCommand;
import dev.phi4j.bench.shard.ShardBenchCommand;
import dev.phi4j.bench.teacher.TeacherBenchCommand;
import dev.phi4j.bench.tokenizer.TokenizerBenchCommand;
import dev.phi4j.bench.train.TrainBenchCommand;
import picocli.CommandLine.Command;

/** {@code phi4j bench}: the benchmarks of this module, each a subcommand; the cli adds it to the phi4j command. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print phi4j and its baseline side by side with the ratio.",
        subcommands = {TokenizerBenchCommand.class, TrainBenchCommand.class, ShardBenchCommand.class,
                GenerateBenchCommand.class, ServeBenchCommand.class, PipelineBenchCommand.class,
                MixtureBenchCommand.class, TeacherBenchCommand.class, DistributedBenchCommand.class})
public final class BenchCommand {
}
