package dev.phi4j.core.tokenizer;

import dev.phi4j.core.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeFileTest {

    /** Trained with vocab 300, min pair frequency 2, from {@link #GOLDEN_TEXT}; see goldenFile…(). */
    private static final String GOLDEN_RESOURCE = "/dev/phi4j/core/tokenizer/golden-300.bpe";
    private static final String GOLDEN_TEXT = """
            The quick brown fox jumps over the lazy dog. The dog sleeps; the fox doesn't!
            Numbers: 1234567 and 89, \\back\\slashes\\, tabs\tand  double  spaces.
            Unicode: café, naïve, 数学, 👍🏽 — and “quotes”.
            """;

    @TempDir
    static Path dir;

    private static Path saved;

    @BeforeAll
    static void saveShakespeare() throws IOException {
        saved = dir.resolve("shakespeare.bpe");
        ShakespeareBpe.tokenizer().save(saved);
    }

    @Test
    void loadedTokenizerEncodesIdentically() throws IOException {
        BpeTokenizer original = ShakespeareBpe.tokenizer();
        BpeTokenizer loaded = BpeTokenizer.load(saved);
        assertEquals(original.name(), loaded.name());
        assertEquals(original.specialTokens(), loaded.specialTokens());
        String text = SharedData.tinyShakespeareText();
        assertArrayEquals(original.encode(text), loaded.encode(text));
        for (long seed = 0; seed < 500; seed++) {
            String random = new RandomText(seed).next();
            assertArrayEquals(original.encode(random), loaded.encode(random), () -> RandomText.escaped(random));
        }
        for (int id = 0; id < original.vocabSize(); id++) {
            assertArrayEquals(original.tokenBytes(id), loaded.tokenBytes(id));
        }
    }

    @Test
    void savingALoadedTokenizerGivesIdenticalBytes() throws IOException {
        Path again = dir.resolve("again.bpe");
        BpeTokenizer.load(saved).save(again);
        assertArrayEquals(Files.readAllBytes(saved), Files.readAllBytes(again));
    }

    @Test
    void theFileIsVersionedReadableText() throws IOException {
        List<String> lines = Files.readAllLines(saved);
        assertEquals("phi4j-bpe 1", lines.get(0));
        assertEquals("vocab_size 2048", lines.get(1));
        assertEquals("pattern " + PreTokenizer.CL100K_PATTERN, lines.get(2));
        assertEquals("special 2044 <|endoftext|>", lines.get(3));
        assertEquals("special 2047 <|im_end|>", lines.get(6));
        assertEquals("merges 1788", lines.get(7));
        assertEquals(8 + 1788, lines.size());
        assertTrue(lines.subList(8, lines.size()).stream().allMatch(line -> line.matches("[!-~]+ [!-~]+")));
    }

    @Test
    void everyByteEscapesAndUnescapesToItself() {
        for (int b = 0; b < 256; b++) {
            byte[] one = {(byte) b};
            String escaped = BpeFile.escape(one);
            assertTrue(escaped.matches("[!-\\[\\]-~]|\\\\\\\\|\\\\x[0-9A-F]{2}"), escaped);
            assertArrayEquals(one, BpeFile.unescape(escaped));
        }
        assertEquals("\\x20the", BpeFile.escape(" the".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a\\\\b", BpeFile.escape("a\\b".getBytes(StandardCharsets.UTF_8)));
        assertEquals("caf\\xC3\\xA9", BpeFile.escape("café".getBytes(StandardCharsets.UTF_8)));
    }

    /** Training or the format changing by accident shows up here as a diff against a reviewed file. */
    @Test
    void trainingAFixedTextGivesTheCheckedInFile() throws IOException {
        BpeTokenizer trained = new BpeTrainer(new BpeTrainer.Settings(300, 2, 2))
                .train(List.of(GOLDEN_TEXT).iterator(), m -> {});
        try (InputStream golden = BpeFileTest.class.getResourceAsStream(GOLDEN_RESOURCE)) {
            assertTrue(golden != null, GOLDEN_RESOURCE + " is missing from the test resources");
            assertEquals(new String(golden.readAllBytes(), StandardCharsets.UTF_8), BpeFile.format(trained));
        }
    }

    @Test
    void aWrongVersionIsNamed() throws IOException {
        assertCorrupt(lines -> set(lines, 0, "phi4j-bpe 2"), ":1: unsupported version '2'");
    }

    @Test
    void anotherKindOfFileIsNamed() throws IOException {
        assertCorrupt(lines -> set(lines, 0, "{\"model\": {\"type\": \"BPE\"}}"), ":1: not a phi4j-bpe tokenizer file");
    }

    @Test
    void aMalformedHeaderNamesItsLine() throws IOException {
        assertCorrupt(lines -> set(lines, 1, "vocab_size lots"), ":2: vocab_size must be a whole number, found 'lots'");
        assertCorrupt(lines -> set(lines, 1, "vocab_size 40000"), ":2: vocab_size 40000 is outside 260..32768");
        assertCorrupt(lines -> set(lines, 2, "pattern (unclosed"), ":3: the pattern is not a valid regular expression");
        assertCorrupt(lines -> set(lines, 2, "regex \\w+"), ":3: expected 'pattern …'");
    }

    @Test
    void specialTokensOutOfLayoutNameTheirLine() throws IOException {
        assertCorrupt(lines -> set(lines, 4, "special 2045 <|im_begin|>"), ":5: expected 'special 2045 <|im_start|>'");
        assertCorrupt(lines -> remove(lines, 5), ":7: 256 bytes + 1788 merges + 3 special tokens do not add up");
    }

    @Test
    void aBadMergeLineNamesItsLine() throws IOException {
        assertCorrupt(lines -> set(lines, 8, "\\x20t"), ":9: a merge is two tokens separated by one space");
        assertCorrupt(lines -> set(lines, 8, "\\q h"), ":9: bad escape at '\\q'");
        assertCorrupt(lines -> set(lines, 8, "é h"), ":9: character U+00E9 must be written as its UTF-8 bytes");
        assertCorrupt(lines -> set(lines, 8, "zzzz h"), ":9: token 'zzzz' is neither a byte nor made by an earlier merge");
        assertCorrupt(lines -> set(lines, 9, lines.get(8)), ":10: merge makes ");
    }

    @Test
    void aTruncatedOrExtendedFileIsNamed() throws IOException {
        assertCorrupt(lines -> remove(lines, lines.size() - 1), ":1796: the file ends where merge 1788 of 1788 should be");
        assertCorrupt(lines -> {
            lines.add("t h");
            return lines;
        }, ":1797: unexpected text after the 1788 merges");
    }

    @Test
    void aFileThatIsNotTextIsNamed() throws IOException {
        Path binary = Files.write(dir.resolve("binary.bpe"), new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1});
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.load(binary));
        assertTrue(e.getMessage().startsWith(binary + ": not a phi4j-bpe tokenizer file"), e.getMessage());
    }

    private static void assertCorrupt(UnaryOperator<List<String>> corruption, String expected) throws IOException {
        Path corrupt = dir.resolve("corrupt.bpe");
        Files.write(corrupt, corruption.apply(new ArrayList<>(Files.readAllLines(saved))));
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.load(corrupt));
        assertTrue(e.getMessage().startsWith(corrupt.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static List<String> set(List<String> lines, int index, String line) {
        lines.set(index, line);
        return lines;
    }

    private static List<String> remove(List<String> lines, int index) {
        lines.remove(index);
        return lines;
    }
}
