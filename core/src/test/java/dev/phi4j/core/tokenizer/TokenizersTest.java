package dev.phi4j.core.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizersTest {

    private static final Path SAMPLE = Path.of(System.getProperty("phi4j.root", ".."))
            .resolve("datasets/sample/books/notes-on-counting.txt");

    @TempDir
    Path dir;

    @Test
    void bpeIsTrainedOnceThenReusedFromItsFile() {
        Path file = dir.resolve("nested/tok.bpe");
        TokenizerConfig config = new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(file), 600, List.of(SAMPLE));
        assertTrue(Tokenizers.needsTraining(config));
        Tokenizer trained = Tokenizers.prepare(config, done -> { });
        assertTrue(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("nested/tok.bpe.partial")), "partial file left behind");
        assertFalse(Tokenizers.needsTraining(config));
        Tokenizer reopened = Tokenizers.open(config);
        assertEquals(600, reopened.vocabSize());
        assertArrayEquals(trained.encode("counting the sheep"), reopened.encode("counting the sheep"));
    }

    @Test
    void vocabularyMismatchAndMissingInputsNameTheFile() throws IOException {
        Path file = dir.resolve("tok.bpe");
        Tokenizers.prepare(new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(file), 600, List.of(SAMPLE)), d -> { });
        TokenizerConfig bigger = new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(file), 700, List.of(SAMPLE));
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class, () -> Tokenizers.open(bigger));
        assertTrue(mismatch.getMessage().startsWith(file + ": has vocabulary 600 but tokenizer.vocab_size is 700"),
                mismatch.getMessage());

        Path absent = dir.resolve("absent.txt");
        TokenizerConfig noInput = new TokenizerConfig(TokenizerConfig.Kind.BPE, Optional.of(dir.resolve("b.bpe")), 600,
                List.of(absent));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.prepare(noInput, d -> { }));
        assertTrue(missing.getMessage().startsWith(absent + ": tokenizer training file not found"), missing.getMessage());
    }

    @Test
    void phi4KindNeedsNoFile() {
        TokenizerConfig config = new TokenizerConfig(TokenizerConfig.Kind.PHI4, Optional.empty(), 1024, List.of());
        assertSame(Phi4Tokenizer.instance(), Tokenizers.prepare(config, done -> { }));
        assertEquals(Phi4Tokenizer.VOCAB_SIZE, config.modelVocabSize());
    }
}
