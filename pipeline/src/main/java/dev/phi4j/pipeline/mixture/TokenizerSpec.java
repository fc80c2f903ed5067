package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.shard.TokenizerFingerprint;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.core.tokenizer.Tokenizers;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The run's tokenizer in a form Spark ships to executors: Phi-4's by name, a BPE tokenizer as the bytes of its file,
 * so executors on other machines need no access to the driver's disk. Each executor JVM opens it once.
 */
final class TokenizerSpec implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Tokenizer> OPENED = new ConcurrentHashMap<>();

    private final TokenizerConfig.Kind kind;
    private final byte[] bpeFile;
    private final String fingerprint;
    private final String name;
    private final int vocabSize;

    private TokenizerSpec(TokenizerConfig.Kind kind, byte[] bpeFile, Tokenizer tokenizer) {
        this.kind = kind;
        this.bpeFile = bpeFile;
        this.fingerprint = TokenizerFingerprint.of(tokenizer);
        this.name = tokenizer.name();
        this.vocabSize = tokenizer.vocabSize();
        OPENED.putIfAbsent(fingerprint, tokenizer);
    }

    /** The configured tokenizer, training a missing BPE file first as {@link Tokenizers#prepare} does. */
    static TokenizerSpec of(TokenizerConfig config) {
        Tokenizer tokenizer = Tokenizers.prepare(config, done -> { });
        if (config.kind() == TokenizerConfig.Kind.PHI4) {
            return new TokenizerSpec(config.kind(), null, tokenizer);
        }
        try {
            return new TokenizerSpec(config.kind(), Files.readAllBytes(config.path().orElseThrow()), tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer file " + config.path().orElseThrow(), e);
        }
    }

    String fingerprint() {
        return fingerprint;
    }

    String name() {
        return name;
    }

    int vocabSize() {
        return vocabSize;
    }

    Tokenizer open() {
        return OPENED.computeIfAbsent(fingerprint, f -> load());
    }

    private Tokenizer load() {
        if (kind == TokenizerConfig.Kind.PHI4) {
            return Phi4Tokenizer.instance();
        }
        try {
            Path file = Files.createTempFile("phi4j-tokenizer", ".bpe");
            try {
                Files.write(file, bpeFile);
                return BpeTokenizer.load(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the shipped BPE tokenizer", e);
        }
    }
}
