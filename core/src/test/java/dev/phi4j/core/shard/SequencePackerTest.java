package dev.phi4j.core.shard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SequencePackerTest {

    private static final int EOT = 99;
    private static final int SEQ_LEN = 8;

    @Test
    void rowsOverlapByOneTokenAndDocumentsStartAtTheirSeparator() {
        List<TokenRow> rows = new ArrayList<>();
        SequencePacker packer = new SequencePacker(SEQ_LEN, EOT, rows::add);
        packer.add(new int[] {1, 2, 3});
        packer.add(new int[] {4, 5, 6, 7, 8, 9, 10, 11, 12, 13});     // spans rows
        packer.add(new int[] {14});
        SequencePacker.Stats stats = packer.finish();

        // stream: 99 1 2 3 99 4 5 6 | 7 8 9 10 11 12 13 99 | 14   (one shared token between rows)
        assertEquals(2, rows.size());
        assertArrayEquals(new int[] {EOT, 1, 2, 3, EOT, 4, 5, 6, 7}, rows.get(0).tokens());
        assertArrayEquals(new int[] {0, 4}, rows.get(0).documentStarts());
        assertArrayEquals(new int[] {7, 8, 9, 10, 11, 12, 13, EOT, 14}, rows.get(1).tokens());
        assertArrayEquals(new int[] {0, 7}, rows.get(1).documentStarts());
        assertEquals(new SequencePacker.Stats(3, 17, 2, 0), stats);
    }

    @Test
    void everyStreamTokenAfterTheFirstIsATargetExactlyOnceUpToTheDroppedTail() {
        Random random = new Random(5);
        List<int[]> documents = new ArrayList<>();
        List<Integer> stream = new ArrayList<>();
        for (int d = 0; d < 40; d++) {
            int[] document = random.ints(random.nextInt(20), 0, 50).toArray();
            documents.add(document);
            stream.add(EOT);
            IntStream.of(document).forEach(stream::add);
        }
        List<TokenRow> rows = new ArrayList<>();
        SequencePacker packer = new SequencePacker(SEQ_LEN, EOT, rows::add);
        documents.forEach(packer::add);
        SequencePacker.Stats stats = packer.finish();

        List<Integer> targets = new ArrayList<>();
        for (TokenRow row : rows) {
            for (int i = 1; i <= SEQ_LEN; i++) {
                targets.add(row.tokens()[i]);
            }
            for (int start : row.documentStarts()) {
                if (start > 0) {
                    assertEquals(EOT, row.tokens()[start], "a document start inside a row is its separator");
                }
            }
        }
        assertEquals(stream.size(), stats.tokens());
        assertEquals(stream.size() - 1 - stats.droppedTailTokens(), targets.size());
        assertEquals(stream.subList(1, 1 + targets.size()), targets);
    }
}
