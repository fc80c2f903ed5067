package dev.phi4j.core.tokenizer;

import dev.phi4j.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerStatsTest {

    private static final Phi4Tokenizer PHI4 = Phi4Tokenizer.instance();

    @TempDir
    Path dir;

    @Test
    void countsOfAKnownText() {
        TokenizerStats stats = TokenizerStats.of(PHI4, "hello world", 5);
        assertEquals(11, stats.bytes());
        assertEquals(11, stats.characters());
        assertEquals(2, stats.tokens());
        assertEquals(2, stats.distinctTokens());
        assertEquals(5.5, stats.bytesPerToken());
        assertEquals(2.0 / 100_352, stats.vocabularyFractionUsed());
        assertEquals(List.of(new TokenizerStats.TokenCount(1917, 1, "\" world\""),
                new TokenizerStats.TokenCount(15339, 1, "\"hello\"")), stats.top());
    }

    @Test
    void charactersAreCodePointsAndBytesAreUtf8() {
        String text = "caf\u00E9 \uD83D\uDC4D";
        TokenizerStats stats = TokenizerStats.of(PHI4, text, 3);
        assertEquals(6, stats.characters());
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, stats.bytes());
        assertEquals((double) stats.characters() / stats.tokens(), stats.charactersPerToken());
    }

    @Test
    void topTokensAreMostFrequentFirst() {
        TokenizerStats stats = TokenizerStats.of(PHI4, "a b b c c c", 2);
        assertEquals(List.of("\" c\"", "\" b\""), stats.top().stream().map(TokenizerStats.TokenCount::text).toList());
        assertEquals(List.of(3L, 2L), stats.top().stream().map(TokenizerStats.TokenCount::count).toList());
    }

    @Test
    void filesAreCountedTogether() throws IOException {
        Path a = Files.writeString(dir.resolve("a.txt"), "hello world");
        Path b = Files.writeString(dir.resolve("b.txt"), "hello");
        TokenizerStats stats = TokenizerStats.of(PHI4, List.of(a, b), 1);
        assertEquals(16, stats.bytes());
        assertEquals(3, stats.tokens());
        assertEquals(List.of(new TokenizerStats.TokenCount(15339, 2, "\"hello\"")), stats.top());
    }

    @Test
    void tokenTextShowsWhatATerminalWouldHide() {
        assertEquals("\"\\n\\n\"", TokenizerStats.readable("\n\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\"\\u0000\\t\"", TokenizerStats.readable(new byte[] {0, '\t'}));
        assertEquals("\"caf\u00E9\"", TokenizerStats.readable("caf\u00E9".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\" \\xF0\\x9F\"", TokenizerStats.readable(new byte[] {' ', (byte) 0xF0, (byte) 0x9F}));
    }

    @Test
    void renderIsAnAlignedTable() throws IOException {
        String rendered = TokenizerStats.of(ShakespeareBpe.tokenizer(), SharedData.tinyShakespeareText(), 12).render();
        assertTrue(rendered.contains("bytes/token        3.1"), rendered);
        assertTrue(rendered.contains("tokenizer          phi4j-bpe vocab 2048"), rendered);
        List<String> table = rendered.lines().dropWhile(line -> !line.startsWith("top 12 tokens")).skip(1).toList();
        assertEquals(13, table.size(), rendered);
        int textColumn = table.get(0).indexOf("text");
        for (String row : table.subList(1, table.size())) {
            assertEquals('"', row.charAt(textColumn), row);
            assertEquals(' ', row.charAt(textColumn - 1), row);
        }
        assertTrue(table.get(1).matches(" +1 +\\d+ +[\\d,]+ +\\d+\\.\\d\\d% +\".*\""), table.get(1));
    }
}
