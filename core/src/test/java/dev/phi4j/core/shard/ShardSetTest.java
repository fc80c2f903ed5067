package dev.phi4j.core.shard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardSetTest {

    private static final int SEQ_LEN = 15;

    @Test
    void rowsStartsAndMasksSurviveTheRoundTripAcrossShardFiles(@TempDir Path dir) throws IOException {
        for (int vocab : new int[] {300, 100_352}) {          // uint16 and int32 storage
            Path set = dir.resolve("set-" + vocab);
            List<TokenRow> train = randomRows(23, vocab, true, 1);
            List<TokenRow> validation = randomRows(3, vocab, true, 2);
            ShardManifest written;
            try (ShardWriter writer = ShardWriter.create(set, settings(vocab).withLossMask(true)
                    .withMaxTokensPerShard(5L * (SEQ_LEN + 1)))) {
                for (TokenRow row : train) {
                    writer.append("train", row);
                }
                for (TokenRow row : validation) {
                    writer.append("validation", row);
                }
                written = writer.finish();
            }
            assertEquals(5, written.splits().get("train").size(), "23 rows at 5 per shard");
            assertEquals(vocab <= 65_536 ? ShardManifest.TokenType.UINT16 : ShardManifest.TokenType.INT32,
                    written.tokenType());

            ShardSet opened = ShardSet.open(set);
            assertEquals(written, opened.manifest());
            assertEquals(23 * (SEQ_LEN + 1L), opened.manifest().tokens("train"));
            ShardSet.Split split = opened.split("train");
            assertEquals(23, split.size());
            List<TokenRow> iterated = new ArrayList<>();
            split.forEach(iterated::add);
            assertEquals(train, iterated);
            for (int i = 22; i >= 0; i--) {
                assertEquals(train.get(i), split.get(i), "row " + i);
            }
            assertEquals(validation.get(2), opened.split("validation").get(2));
            assertFalse(Files.exists(set.resolveSibling(set.getFileName() + ".partial")));
        }
    }

    @Test
    void missingShardFileIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path set = writeSet(dir.resolve("set"));
        Path shard = set.resolve("train-00000.bin");
        Files.delete(shard);
        ShardException error = assertThrows(ShardException.class, () -> ShardSet.open(set));
        assertEquals(shard, error.file());
        assertTrue(error.getMessage().contains("train-00000.bin: shard file listed in manifest.json is missing"),
                error.getMessage());
    }

    @Test
    void truncatedShardIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Path set = writeSet(dir.resolve("set"));
        Path shard = set.resolve("train-00000.bin");
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            file.setLength(file.length() - 3);
        }
        ShardException error = assertThrows(ShardException.class, () -> ShardSet.open(set));
        assertTrue(error.getMessage().startsWith(shard + ": truncated"), error.getMessage());
    }

    @Test
    void flippedTokenByteFailsTheChecksumOnFirstRead(@TempDir Path dir) throws IOException {
        Path set = writeSet(dir.resolve("set"));
        Path shard = set.resolve("train-00000.bin");
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
            file.seek(ShardLayout.HEADER_BYTES + 6);       // low byte of token 3: stays in the vocabulary
            int original = file.read();
            file.seek(ShardLayout.HEADER_BYTES + 6);
            file.write(original ^ 0x01);
        }
        ShardSet opened = ShardSet.open(set);                   // checksums are checked lazily
        ShardException error = assertThrows(ShardException.class, () -> opened.split("train").get(0));
        assertTrue(error.getMessage().startsWith(shard + ": checksum mismatch"), error.getMessage());

        ShardSet unchecked = ShardSet.open(set, false);
        assertEquals(SEQ_LEN + 1, unchecked.split("train").get(0).tokens().length);
    }

    @Test
    void notAShardDirectoryAndUnknownSplitAreNamed(@TempDir Path dir) throws IOException {
        ShardException missing = assertThrows(ShardException.class, () -> ShardSet.open(dir.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("shard directory does not exist"), missing.getMessage());
        ShardException empty = assertThrows(ShardException.class, () -> ShardSet.open(dir));
        assertTrue(empty.getMessage().contains("not a phi4j shard directory"), empty.getMessage());

        Path set = writeSet(dir.resolve("set"));
        ShardException split = assertThrows(ShardException.class, () -> ShardSet.open(set).split("test"));
        assertTrue(split.getMessage().endsWith("no split 'test' (has: train)"), split.getMessage());

        Files.writeString(set.resolve("manifest.json"), Files.readString(set.resolve("manifest.json"))
                .replace("\"version\" : 1", "\"version\" : 9"));
        ShardException version = assertThrows(ShardException.class, () -> ShardSet.open(set));
        assertTrue(version.getMessage().contains("version 9; this phi4j reads version 1"), version.getMessage());
    }

    @Test
    void writerRejectsRowsTheSetCannotHold(@TempDir Path dir) throws IOException {
        try (ShardWriter writer = ShardWriter.create(dir.resolve("set"), settings(300))) {
            int[] outOfVocabulary = new int[SEQ_LEN + 1];
            outOfVocabulary[4] = 300;
            IllegalArgumentException vocab = assertThrows(IllegalArgumentException.class,
                    () -> writer.append("train", new TokenRow(outOfVocabulary, new int[] {0})));
            assertTrue(vocab.getMessage().contains("position 4 holds token 300, outside the vocabulary [0, 300)"),
                    vocab.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> writer.append("train", new TokenRow(new int[SEQ_LEN], new int[] {0})));
            assertThrows(IllegalArgumentException.class,
                    () -> writer.append("train", new TokenRow(new int[SEQ_LEN + 1], new int[] {0},
                            new boolean[SEQ_LEN + 1])));
        }
        assertFalse(Files.exists(dir.resolve("set")), "an unfinished set leaves nothing behind");
        assertFalse(Files.exists(dir.resolve("set.partial")));
    }

    private static Path writeSet(Path set) throws IOException {
        try (ShardWriter writer = ShardWriter.create(set, settings(300))) {
            for (TokenRow row : randomRows(4, 300, false, 3)) {
                writer.append("train", row);
            }
            writer.finish();
        }
        return set;
    }

    private static ShardWriter.Settings settings(int vocab) {
        return new ShardWriter.Settings(SEQ_LEN, vocab, "test", "sha256:test", false,
                ShardWriter.DEFAULT_MAX_TOKENS_PER_SHARD, Map.of("source", "unit test"));
    }

    static List<TokenRow> randomRows(int count, int vocab, boolean withMask, long seed) {
        Random random = new Random(seed);
        List<TokenRow> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            int[] tokens = random.ints(SEQ_LEN + 1, 0, vocab).toArray();
            tokens[0] = vocab - 1;
            int[] starts = random.ints(1, SEQ_LEN + 1).distinct().limit(random.nextInt(4)).sorted().toArray();
            int[] withZero = new int[starts.length + 1];
            System.arraycopy(starts, 0, withZero, 1, starts.length);
            boolean[] mask = null;
            if (withMask) {
                mask = new boolean[SEQ_LEN + 1];
                for (int i = 0; i < mask.length; i++) {
                    mask[i] = random.nextBoolean();
                }
            }
            rows.add(new TokenRow(tokens, withZero, mask));
        }
        return rows;
    }
}
