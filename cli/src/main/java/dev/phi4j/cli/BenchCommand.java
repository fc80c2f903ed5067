package dev.phi4j.cli;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerBench;
import dev.phi4j.pipeline.bench.PipelineBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print phi4j and its baseline side by side with the ratio.",
        subcommands = {BenchCommand.TokenizerBenchCommand.class, BenchCommand.PipelineBenchCommand.class,
                TrainBenchCommand.class, ShardBenchCommand.class, MixtureBenchCommand.class})
final class BenchCommand {

    @Command(name = "tokenizer", mixinStandardHelpOptions = true, description = {
            "Encode throughput per core: raw jtokkit (baseline) vs phi4j's Phi-4 tokenizer vs a BPE trained on the corpus.",
            "Example: phi4j bench tokenizer --corpus ../shared/datasets/tinyshakespeare/input.txt"})
    static final class TokenizerBenchCommand implements Callable<Integer> {
        @Option(names = "--corpus", defaultValue = "../shared/datasets/tinyshakespeare/input.txt",
                description = "UTF-8 text to encode (default: ${DEFAULT-VALUE})")
        Path corpus;

        @Option(names = "--bpe-vocab", defaultValue = "2048", description = "vocabulary of the BPE trained on the corpus (default: ${DEFAULT-VALUE})")
        int bpeVocab;

        @Option(names = "--rounds", defaultValue = "5", description = "measured rounds; the best is reported (default: ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws IOException {
            if (!Files.isRegularFile(corpus)) {
                throw new IllegalArgumentException(corpus + ": corpus not found (--corpus)");
            }
            BpeTokenizer bpe = new BpeTrainer(BpeTrainer.Settings.of(bpeVocab)).train(List.of(corpus), done -> { });
            TokenizerBench.Settings defaults = TokenizerBench.Settings.DEFAULT;
            TokenizerBench.Result result = TokenizerBench.run(corpus, List.of(Phi4Tokenizer.instance(), bpe),
                    new TokenizerBench.Settings(defaults.warmupRounds(), rounds, defaults.blockChars()));
            System.out.print(result.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "pipeline", mixinStandardHelpOptions = true, description = {
            "Dedup and decontamination throughput (docs/s and MB/s per core) on local[1] vs local[2], and phi4j's",
            "MinHash-LSH vs Spark MLlib's MinHashLSH, on a corpus built from the shared datasets (built once).",
            "Example: phi4j bench pipeline --size-mb 200"})
    static final class PipelineBenchCommand implements Callable<Integer> {
        @Option(names = "--shared", defaultValue = "../shared", description = "folder holding datasets/ (default: ${DEFAULT-VALUE})")
        Path shared;

        @Option(names = "--work-dir", defaultValue = "runs/bench-pipeline", description = "where the corpus is built and kept (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Option(names = "--size-mb", defaultValue = "200", description = "corpus size in MB of text (default: ${DEFAULT-VALUE})")
        int sizeMb;

        @Option(names = "--baseline-docs", defaultValue = "20000", description = "documents of the MLlib comparison slice (default: ${DEFAULT-VALUE})")
        int baselineDocs;

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(shared.resolve("datasets"))) {
                throw new IllegalArgumentException(shared.resolve("datasets") + ": shared datasets not found (--shared)");
            }
            List<PipelineBench.Result> results = PipelineBench.run(new PipelineBench.Settings(shared, workDir, sizeMb,
                    baselineDocs, List.of(1, 2)), System.out);
            System.out.print(PipelineBench.table(results));
            return ExitCodes.OK;
        }
    }
}
