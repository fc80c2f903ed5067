package dev.phi4j.cli;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerBench;
import dev.phi4j.trainer.generate.GenerateBench;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.serve.ServeBench;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.learning.config.NoOp;
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
        subcommands = {BenchCommand.TokenizerBenchCommand.class, TrainBenchCommand.class, ShardBenchCommand.class,
                BenchCommand.GenerateBenchCommand.class, BenchCommand.ServeBenchCommand.class,
                BenchCommand.PipelineBenchCommand.class, MixtureBenchCommand.class})
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

    @Command(name = "generate", mixinStandardHelpOptions = true, description = {
            "Decode speed with the KV cache vs the no-cache baseline (full forward per token) at several contexts.",
            "Random weights of a preset's shape; contexts beyond the preset's use its shape at that context.",
            "Example: phi4j bench generate --preset small --contexts 128,512,2048"})
    static final class GenerateBenchCommand implements Callable<Integer> {
        @Option(names = "--preset", defaultValue = "small", description = "model shape (default: ${DEFAULT-VALUE})")
        String preset;

        @Option(names = "--contexts", defaultValue = "128,512,2048", split = ",",
                description = "context lengths (default: ${DEFAULT-VALUE})")
        List<Integer> contexts;

        @Option(names = "--new-tokens", defaultValue = "33", description = "tokens the KV cache generates (default: ${DEFAULT-VALUE})")
        int newTokens;

        @Option(names = "--no-cache-tokens", defaultValue = "3",
                description = "tokens the baseline generates, each a full forward (default: ${DEFAULT-VALUE})")
        int noCacheTokens;

        @Option(names = "--seed", defaultValue = "1", description = "weights and prompt (default: ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            ModelConfig shape = preset(preset);
            GenerateBench.Result result = GenerateBench.run(new GenerateBench.Settings(shape, contexts, newTokens,
                    noCacheTokens, seed), line -> System.err.println("  " + line));
            System.out.print(result.render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = {
            "Requests/s and tokens/s of the OpenAI-compatible server over real HTTP, batched vs one sample per forward.",
            "Random weights of a preset (and a BPE trained on datasets/sample/books), or a checkpoint.",
            "Example: phi4j bench serve --preset tiny --requests 64 --concurrency 16 --batch 1,16"})
    static final class ServeBenchCommand implements Callable<Integer> {
        @Option(names = "--preset", defaultValue = "tiny", description = "model shape with random weights (default: ${DEFAULT-VALUE})")
        String preset;

        @Option(names = "--checkpoint", paramLabel = "DIR", description = "serve this checkpoint instead of random weights")
        Path checkpoint;

        @Option(names = "--corpus", defaultValue = "datasets/sample/books",
                description = "folder of text files to train the random model's BPE on (default: ${DEFAULT-VALUE})")
        Path corpus;

        @Option(names = "--requests", defaultValue = "64", description = "requests to send (default: ${DEFAULT-VALUE})")
        int requests;

        @Option(names = "--concurrency", defaultValue = "16", description = "concurrent clients (default: ${DEFAULT-VALUE})")
        int concurrency;

        @Option(names = "--max-tokens", defaultValue = "32", description = "tokens per request (default: ${DEFAULT-VALUE})")
        int maxTokens;

        @Option(names = "--batch", defaultValue = "1,16", split = ",",
                description = "server max batch sizes to compare; the first is the baseline (default: ${DEFAULT-VALUE})")
        List<Integer> batch;

        @Override
        public Integer call() throws IOException, InterruptedException {
            LanguageModel model;
            Tokenizer tokenizer;
            String name;
            if (checkpoint != null) {
                InferenceModel loaded = InferenceModel.load(checkpoint, true);
                model = loaded.model();
                tokenizer = loaded.tokenizer();
                name = loaded.name();
            } else {
                ModelConfig shape = preset(preset);
                tokenizer = shape.vocabSize() == Phi4Tokenizer.VOCAB_SIZE ? Phi4Tokenizer.instance()
                        : randomModelTokenizer(shape.vocabSize());
                model = new KvCacheModel(PhiDecoder.build(shape, PhiDecoder.Masking.CAUSAL,
                        new NeuralNetConfiguration.Builder().seed(1).updater(new NoOp())));
                name = preset;
            }
            ServeBench.Result result = ServeBench.run(model, tokenizer, name,
                    new ServeBench.Settings(requests, concurrency, maxTokens, batch), line -> System.err.println("  " + line));
            System.out.print(result.render());
            return ExitCodes.OK;
        }

        private Tokenizer randomModelTokenizer(int vocab) throws IOException {
            if (!Files.isDirectory(corpus)) {
                throw new IllegalArgumentException(corpus + ": corpus folder not found (--corpus)");
            }
            try (var files = Files.list(corpus)) {
                return new BpeTrainer(BpeTrainer.Settings.of(vocab)).train(files.sorted().toList(), merges -> { });
            }
        }
    }

    static ModelConfig preset(String name) {
        ModelConfig shape = new ModelPresets().find(name);
        if (shape == null) {
            throw new IllegalArgumentException("unknown preset " + name + "; one of " + new ModelPresets().names());
        }
        return shape;
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
