package dev.phi4j.bench.tokenizer;

import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.Phi4Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerBenchTest {

    @TempDir
    Path dir;

    /** Only that it runs and measures something: timings on a shared machine are not assertions. */
    @Test
    void runsAndReportsPositiveThroughputForEveryEncoder() throws IOException {
        String text = tinyShakespeare().substring(0, 20_000);
        Path corpus = Files.writeString(dir.resolve("sample.txt"), text);
        BpeTokenizer bpe = new BpeTrainer(BpeTrainer.Settings.of(512)).train(List.of(corpus), merges -> { });
        TokenizerBench.Result result = TokenizerBench.run(corpus, List.of(Phi4Tokenizer.instance(), bpe),
                new TokenizerBench.Settings(1, 2, 1_000));
        assertEquals(List.of(TokenizerBench.BASELINE, Phi4Tokenizer.instance().name(), bpe.name()),
                result.rows().stream().map(TokenizerBench.Row::encoder).toList());
        assertEquals(result.rows().get(0).tokens(), result.rows().get(1).tokens(), "Phi-4 encodes as cl100k does");
        for (TokenizerBench.Row row : result.rows()) {
            assertTrue(row.tokens() > 0 && row.seconds() > 0 && row.tokensPerSecond() > 0, row.toString());
            assertTrue(result.megabytesPerSecond(row) > 0 && result.speedVsBaseline(row) > 0, row.toString());
        }
        assertEquals(1.0, result.speedVsBaseline(result.rows().get(0)));
        String rendered = result.render();
        assertTrue(rendered.contains("sample.txt") && rendered.contains("blocks of whole lines"), rendered);
        assertTrue(rendered.contains(bpe.name()), rendered);
    }

    @Test
    void blocksAreWholeLinesThatCoverTheText() throws IOException {
        String text = tinyShakespeare().substring(0, 30_000);
        List<String> blocks = TokenizerBench.blocks(text, 1_000);
        assertEquals(text, String.join("", blocks));
        assertTrue(blocks.size() > 20, "blocks: " + blocks.size());
        blocks.subList(0, blocks.size() - 1).forEach(block -> {
            assertTrue(block.endsWith("\n"), block);
            assertTrue(block.length() >= 1_000, "length " + block.length());
        });
    }

    /** Surefire passes the shared datasets' folder; a missing corpus fails rather than skips the test. */
    private static String tinyShakespeare() throws IOException {
        Path file = Path.of(System.getProperty("phi4j.shared", "../../shared"), "datasets/tinyshakespeare/input.txt");
        assertTrue(Files.isRegularFile(file), file + " not found (set -Dphi4j.shared=<folder holding datasets/>)");
        return Files.readString(file);
    }
}
