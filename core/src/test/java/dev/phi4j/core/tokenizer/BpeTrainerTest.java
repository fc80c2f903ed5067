package dev.phi4j.core.tokenizer;

import dev.phi4j.core.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpeTrainerTest {

    @TempDir
    Path dir;

    @Test
    void oneAndTwoThreadsLearnIdenticalMerges() throws IOException {
        Path shakespeare = SharedData.tinyShakespeare();
        BpeTokenizer one = new BpeTrainer(new BpeTrainer.Settings(1024, 2, 1)).train(List.of(shakespeare), m -> {});
        BpeTokenizer two = new BpeTrainer(new BpeTrainer.Settings(1024, 2, 2)).train(List.of(shakespeare), m -> {});
        one.save(dir.resolve("one.bpe"));
        two.save(dir.resolve("two.bpe"));
        assertEquals(Files.readString(dir.resolve("one.bpe")), Files.readString(dir.resolve("two.bpe")));
        assertEquals(1024 - 260, one.mergeCount());
    }

    /** Cutting a document into chunks for the counting threads must not change any pre-token. */
    @Test
    void chunkCutsFallOnPreTokenBoundaries() throws IOException {
        String text = SharedData.tinyShakespeareText();
        List<String> chunks = PreTokenCounter.chunks(text, 4096);
        assertTrue(chunks.size() > 200, "chunks: " + chunks.size());
        assertEquals(text, String.join("", chunks));
        List<String> whole = new ArrayList<>();
        PreTokenizer.CL100K.split(text, whole::add);
        List<String> chunked = new ArrayList<>();
        chunks.forEach(chunk -> PreTokenizer.CL100K.split(chunk, chunked::add));
        assertEquals(whole, chunked);
    }

    @Test
    void shakespeareAtVocab2048CompressesWellAboveOneBytePerToken() throws IOException {
        String text = SharedData.tinyShakespeareText();
        int[] ids = ShakespeareBpe.tokenizer().encode(text);
        double bytesPerToken = (double) text.getBytes(StandardCharsets.UTF_8).length / ids.length;
        assertTrue(bytesPerToken > 2.8, "bytes/token " + bytesPerToken);   // measured 3.13
    }

    @Test
    void vocabularyIsExactlyTheConfiguredSize() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        assertEquals(2048, bpe.vocabSize());
        assertEquals(2048 - 256 - 4, bpe.mergeCount());
        SpecialTokens specials = bpe.specialTokens();
        assertEquals(List.of(2044, 2045, 2046, 2047),
                List.of(specials.endOfText(), specials.imStart(), specials.imSep(), specials.imEnd()));
        IntStream.range(0, 2048).forEach(id -> assertTrue(bpe.tokenBytes(id).length > 0));
        assertThrows(IllegalArgumentException.class, () -> bpe.tokenBytes(2048));
    }

    @Test
    void tokensAreUniqueByteStrings() throws IOException {
        BpeTokenizer bpe = ShakespeareBpe.tokenizer();
        Set<String> seen = new HashSet<>();
        for (int id = 0; id < 256 + bpe.mergeCount(); id++) {
            assertTrue(seen.add(new String(bpe.tokenBytes(id), StandardCharsets.ISO_8859_1)), "duplicate token " + id);
        }
    }

    @Test
    void aTinyCorpusIsPaddedWithDummies() {
        BpeTokenizer bpe = new BpeTrainer(new BpeTrainer.Settings(300, 1, 2))
                .train(List.of("hello hello world").iterator(), m -> {});
        assertEquals(300, bpe.vocabSize());
        int merges = bpe.mergeCount();
        assertTrue(merges > 0 && merges < 20, "merges: " + merges);
        assertEquals(256 + merges, bpe.specialTokens().endOfText());
        assertEquals(256 + merges + 3, bpe.specialTokens().imEnd());
        assertEquals("<|dummy_0|>", bpe.decode(new int[] {256 + merges + 4}));
        assertEquals("<|dummy_" + (300 - 256 - merges - 5) + "|>", bpe.decode(new int[] {299}));
        assertEquals(300 - 256 - merges, bpe.specialTokens().ids().size());
        assertTrue(bpe.specialTokens().isSpecial(299));
    }

    /** "ab" occurs 3 times, then " ab" twice; every other pair once, below the minimum of 2. */
    @Test
    void mergesFollowPairCounts() {
        BpeTokenizer bpe = new BpeTrainer(new BpeTrainer.Settings(300, 2, 1))
                .train(List.of("ab ab ab cd").iterator(), m -> {});
        assertEquals(2, bpe.mergeCount());
        assertEquals("ab", bpe.decode(new int[] {256}));
        assertEquals(" ab", bpe.decode(new int[] {257}));
        assertArrayEquals(new int[] {256, 257, 257, ' ', 'c', 'd'}, bpe.encode("ab ab ab cd"));
    }

    /** Pairs "xy", " a", "ab" each occur once: the tie goes to the pair with the smallest bytes. */
    @Test
    void equalCountsMergeInByteOrder() {
        BpeTokenizer bpe = new BpeTrainer(new BpeTrainer.Settings(300, 1, 1))
                .train(List.of("xy ab").iterator(), m -> {});
        assertEquals(" a", bpe.decode(new int[] {256}));
        assertEquals(" ab", bpe.decode(new int[] {257}));
        assertEquals("xy", bpe.decode(new int[] {258}));
        assertEquals(3, bpe.mergeCount());
    }

    @Test
    void aHighMinimumFrequencyLeavesOnlyPadding() {
        BpeTokenizer bpe = new BpeTrainer(new BpeTrainer.Settings(270, 1_000, 1))
                .train(List.of("aaaa bbbb").iterator(), m -> {});
        assertEquals(0, bpe.mergeCount());
        assertEquals(256, bpe.specialTokens().endOfText());
        assertEquals(14, bpe.specialTokens().ids().size());
    }

    @Test
    void progressReportsEveryMergeInOrder() {
        List<Integer> reported = new ArrayList<>();
        BpeTokenizer bpe = new BpeTrainer(new BpeTrainer.Settings(400, 1, 2))
                .train(List.of("the cat sat on the mat with the hat").iterator(), reported::add);
        assertEquals(IntStream.rangeClosed(1, bpe.mergeCount()).boxed().toList(), reported);
    }

    @Test
    void documentsAndFilesTrainAlike() throws IOException {
        Path a = Files.writeString(dir.resolve("a.txt"), "to be or not to be\n");
        Path b = Files.writeString(dir.resolve("b.txt"), "that is the question\n");
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Settings(300, 1, 2));
        BpeTokenizer fromFiles = trainer.train(List.of(a, b), m -> {});
        Iterator<String> documents = List.of("to be or not to be\n", "that is the question\n").iterator();
        assertEquals(fromFiles.name(), trainer.train(documents, m -> {}).name());
    }

    @Test
    void unreadableInputNamesTheFile() throws IOException {
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Settings(300, 1, 1));
        Path missing = dir.resolve("missing.txt");
        IOException notFound = assertThrows(IOException.class, () -> trainer.train(List.of(missing), m -> {}));
        assertTrue(notFound.getMessage().contains("missing.txt"), notFound.getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
        IOException notUtf8 = assertThrows(IOException.class, () -> trainer.train(List.of(latin1), m -> {}));
        assertTrue(notUtf8.getMessage().contains("latin1.txt") && notUtf8.getMessage().contains("UTF-8"),
                notUtf8.getMessage());
    }

    @Test
    void defaultSettingsMergePairsSeenTwiceOnEveryCore() {
        BpeTrainer.Settings settings = BpeTrainer.Settings.of(1024);
        assertEquals(new BpeTrainer.Settings(1024, 2, Runtime.getRuntime().availableProcessors()), settings);
        assertEquals(1024 - 260, settings.maxMerges());
    }

    @Test
    void badSettingsAreRejectedNamingTheSetting() {
        assertMessage("vocabSize must be between 260", () -> new BpeTrainer.Settings(259, 2, 1));
        assertMessage("and 32768, got 32769", () -> new BpeTrainer.Settings(32_769, 2, 1));
        assertMessage("minPairFrequency must be at least 1, got 0", () -> new BpeTrainer.Settings(1024, 0, 1));
        assertMessage("threads must be at least 1, got 0", () -> new BpeTrainer.Settings(1024, 2, 0));
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
