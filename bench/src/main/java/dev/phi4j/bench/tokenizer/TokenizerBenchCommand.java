package dev.phi4j.bench.tokenizer;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = {
        "Encode throughput per core: raw jtokkit (baseline) vs phi4j's Phi-4 tokenizer vs a BPE trained on the corpus.",
        "Example: phi4j bench tokenizer --corpus ../shared/datasets/tinyshakespeare/input.txt"})
public final class TokenizerBenchCommand implements Callable<Integer> {
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
        return ExitCode.OK;
    }
}
