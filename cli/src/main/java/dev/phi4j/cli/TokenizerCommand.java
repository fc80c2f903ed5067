package dev.phi4j.cli;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.SpecialTokens;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerStats;
import dev.phi4j.trainer.hf.HfTokenizerFile;
import dev.phi4j.trainer.hf.TokenizerComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Train, apply and inspect tokenizers: Phi-4's (cl100k_base) and phi4j's byte-level BPE.",
        subcommands = {TokenizerCommand.Train.class, TokenizerCommand.Encode.class, TokenizerCommand.Decode.class,
                TokenizerCommand.Stats.class, TokenizerCommand.CompareHf.class})
final class TokenizerCommand {

    /** {@code phi4} or a path to a BPE file written by {@code tokenizer train}. */
    static Tokenizer open(String name) throws IOException {
        if (name.equals("phi4")) {
            return Phi4Tokenizer.instance();
        }
        Path path = Path.of(name);
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(name + ": no such tokenizer (use phi4 or the path of a BPE file)");
        }
        return BpeTokenizer.load(path);
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = {"Train a byte-level BPE tokenizer.",
            "Example: phi4j tokenizer train --vocab-size 2048 --output runs/bpe-2048.bpe ../shared/datasets/tinyshakespeare/input.txt"})
    static final class Train implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "UTF-8 text files to train on")
        List<Path> files;

        @Option(names = "--vocab-size", required = true, description = "vocabulary incl. special and padding tokens (260..32768)")
        int vocabSize;

        @Option(names = "--output", required = true, description = "where to write the tokenizer file")
        Path output;

        @Option(names = "--threads", description = "threads counting the corpus (default: all cores)")
        Integer threads;

        @Override
        public Integer call() throws IOException {
            BpeTrainer.Settings defaults = BpeTrainer.Settings.of(vocabSize);
            BpeTrainer.Settings settings = new BpeTrainer.Settings(vocabSize, defaults.minPairFrequency(),
                    threads == null ? defaults.threads() : threads);
            Progress progress = new Progress("merges", settings.maxMerges());
            long start = System.nanoTime();
            BpeTokenizer tokenizer = new BpeTrainer(settings).train(files, progress);
            progress.finish();
            tokenizer.save(output);
            System.out.printf("wrote %s: %s, %,d merges, trained in %.1f s%n", output, tokenizer.name(),
                    tokenizer.mergeCount(), (System.nanoTime() - start) / 1e9);
            return ExitCodes.OK;
        }
    }

    @Command(name = "encode", mixinStandardHelpOptions = true, description = {"Print the token ids of a text.",
            "Example: phi4j tokenizer encode --allow-special 'hello<|im_end|>'"})
    static final class Encode implements Callable<Integer> {
        @Parameters(paramLabel = "TEXT", arity = "0..1", description = "text to encode (or use --file)")
        String text;

        @Option(names = "--file", description = "encode this file instead of TEXT")
        Path file;

        @Option(names = "--tokenizer", defaultValue = "phi4", description = "phi4 or a BPE file (default: ${DEFAULT-VALUE})")
        String tokenizer;

        @Option(names = "--allow-special", description = "turn <|endoftext|>, <|im_start|>, <|im_sep|>, <|im_end|> into their ids")
        boolean allowSpecial;

        @Override
        public Integer call() throws IOException {
            if ((text == null) == (file == null)) {
                throw new IllegalArgumentException("give either TEXT or --file");
            }
            String input = file == null ? text : Files.readString(file);
            Tokenizer t = open(tokenizer);
            int[] ids = allowSpecial ? t.encode(input, SpecialTokens.CHAT) : t.encode(input);
            System.out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
            return ExitCodes.OK;
        }
    }

    @Command(name = "decode", mixinStandardHelpOptions = true, description = {"Print the text of token ids.",
            "Example: phi4j tokenizer decode 15339 1917"})
    static final class Decode implements Callable<Integer> {
        @Parameters(paramLabel = "ID", arity = "1..*", description = "token ids")
        int[] ids;

        @Option(names = "--tokenizer", defaultValue = "phi4", description = "phi4 or a BPE file (default: ${DEFAULT-VALUE})")
        String tokenizer;

        @Override
        public Integer call() throws IOException {
            System.out.println(open(tokenizer).decode(ids));
            return ExitCodes.OK;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = {"Compression and vocabulary use on text files.",
            "Example: phi4j tokenizer stats --tokenizer phi4 ../shared/datasets/tinyshakespeare/input.txt"})
    static final class Stats implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "1..*", description = "UTF-8 text files")
        List<Path> files;

        @Option(names = "--tokenizer", defaultValue = "phi4", description = "phi4 or a BPE file (default: ${DEFAULT-VALUE})")
        String tokenizer;

        @Option(names = "--top", defaultValue = "10", description = "most frequent tokens to list (default: ${DEFAULT-VALUE})")
        int top;

        @Override
        public Integer call() throws IOException {
            System.out.print(TokenizerStats.of(open(tokenizer), files, top).render());
            return ExitCodes.OK;
        }
    }

    @Command(name = "compare-hf", mixinStandardHelpOptions = true, description = {
            "Compare a phi4j tokenizer with a Hugging Face tokenizer.json: vocab, special tokens (added_tokens),",
            "merges (missing, extra, out of order) and the encodings of probe texts by the file's own BPE.",
            "Exit code 0 when they are the same tokenizer, 1 when they differ.",
            "Example: phi4j tokenizer compare-hf ~/models/phi-4/tokenizer.json",
            "         phi4j tokenizer compare-hf exports/tiny-hf/tokenizer.json --tokenizer runs/tiny/tokenizer.bpe"})
    static final class CompareHf implements Callable<Integer> {
        @Parameters(paramLabel = "TOKENIZER_JSON", description = "a Hugging Face tokenizer.json")
        Path file;

        @Option(names = "--tokenizer", defaultValue = "phi4", description = "phi4 or a BPE file (default: ${DEFAULT-VALUE})")
        String tokenizer;

        @Option(names = "--text", paramLabel = "FILE",
                description = "UTF-8 text to encode both ways as well; repeatable (built-in probes always run)")
        List<Path> texts = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            List<String> probes = new ArrayList<>(TokenizerComparison.defaultProbes());
            for (Path text : texts) {
                probes.add(Files.readString(text));
            }
            Tokenizer ours = open(tokenizer);
            TokenizerComparison comparison = TokenizerComparison.compare(ours, HfTokenizerFile.read(file), probes);
            System.out.println(ours.name() + " vs " + file);
            System.out.print(comparison.report());
            return comparison.matches() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
