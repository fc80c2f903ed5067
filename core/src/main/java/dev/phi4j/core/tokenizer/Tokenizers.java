package dev.phi4j.core.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.IntConsumer;

/** Opens the tokenizer a config names, training a BPE tokenizer first when its file does not exist yet. */
public final class Tokenizers {

    private Tokenizers() {}

    /** Loads the configured tokenizer; a missing BPE file is an error that says how to create it. */
    public static Tokenizer open(TokenizerConfig config) {
        if (config.kind() == TokenizerConfig.Kind.PHI4) {
            return Phi4Tokenizer.instance();
        }
        Path path = config.path().orElseThrow();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(path + ": tokenizer file not found; create it with "
                    + "`phi4j tokenizer train` or `phi4j reproduce`");
        }
        return loadBpe(path, config.vocabSize());
    }

    /** Whether {@link #prepare} would train: a BPE tokenizer whose file is missing. */
    public static boolean needsTraining(TokenizerConfig config) {
        return config.kind() == TokenizerConfig.Kind.BPE && !Files.exists(config.path().orElseThrow());
    }

    /** Like {@link #open}, but trains and atomically writes a missing BPE tokenizer from {@code train_files}. */
    public static Tokenizer prepare(TokenizerConfig config, IntConsumer mergesDone) {
        if (!needsTraining(config)) {
            return open(config);
        }
        if (config.trainFiles().isEmpty()) {
            throw new IllegalArgumentException("tokenizer.train_files is empty: nothing to train "
                    + config.path().orElseThrow() + " on");
        }
        for (Path file : config.trainFiles()) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": tokenizer training file not found (tokenizer.train_files)");
            }
        }
        try {
            BpeTokenizer trained = new BpeTrainer(BpeTrainer.Settings.of(config.vocabSize()))
                    .train(config.trainFiles(), mergesDone);
            Path target = config.path().orElseThrow().toAbsolutePath();
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            trained.save(partial);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return trained;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tokenizer loadBpe(Path path, int expectedVocab) {
        try {
            BpeTokenizer tokenizer = BpeTokenizer.load(path);
            if (tokenizer.vocabSize() != expectedVocab) {
                throw new IllegalArgumentException(path + ": has vocabulary " + tokenizer.vocabSize()
                        + " but tokenizer.vocab_size is " + expectedVocab + "; delete the file to retrain it");
            }
            return tokenizer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
