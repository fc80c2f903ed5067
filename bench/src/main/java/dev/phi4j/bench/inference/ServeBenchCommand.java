package dev.phi4j.bench.inference;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.KvCacheModel;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.learning.config.NoOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Requests/s and tokens/s of the OpenAI-compatible server over real HTTP, batched vs one sample per forward.",
        "Random weights of a preset (and a BPE trained on datasets/sample/books), or a checkpoint.",
        "Example: phi4j bench serve --preset tiny --requests 64 --concurrency 16 --batch 1,16"})
public final class ServeBenchCommand implements Callable<Integer> {
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
            ModelConfig shape = PresetShapes.find(preset);
            tokenizer = shape.vocabSize() == Phi4Tokenizer.VOCAB_SIZE ? Phi4Tokenizer.instance()
                    : randomModelTokenizer(shape.vocabSize());
            model = new KvCacheModel(PhiDecoder.build(shape, PhiDecoder.Masking.CAUSAL,
                    new NeuralNetConfiguration.Builder().seed(1).updater(new NoOp())));
            name = preset;
        }
        ServeBench.Result result = ServeBench.run(model, tokenizer, name,
                new ServeBench.Settings(requests, concurrency, maxTokens, batch), line -> System.err.println("  " + line));
        System.out.print(result.render());
        return ExitCode.OK;
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
