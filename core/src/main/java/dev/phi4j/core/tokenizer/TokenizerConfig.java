package dev.phi4j.core.tokenizer;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Which tokenizer a run uses; a BPE tokenizer is trained from {@code train_files} when its file is missing. */
public record TokenizerConfig(
        @Doc("phi4: tiktoken cl100k_base with Phi-4's special tokens (vocabulary 100,352); bpe: a byte-level BPE trained by phi4j")
        @Default("phi4") Kind kind,
        @Doc("bpe: the tokenizer file, written by `phi4j tokenizer train` or by the first run") Optional<Path> path,
        @Doc("bpe: vocabulary size including special and padding tokens")
        @Default("1024") @Range(min = 260, max = 32_768) int vocabSize,
        @Doc("bpe: text files to train on when the tokenizer file does not exist yet") @Default("[]") List<Path> trainFiles) {

    public enum Kind { PHI4, BPE }

    public TokenizerConfig {
        if (kind == Kind.BPE && path.isEmpty()) {
            throw new InvalidConfigValue("path", "a bpe tokenizer needs a path (where it is stored)");
        }
    }

    /** The vocabulary the model's embedding must have for this tokenizer. */
    public int modelVocabSize() {
        return kind == Kind.PHI4 ? Phi4Tokenizer.VOCAB_SIZE : vocabSize;
    }
}
