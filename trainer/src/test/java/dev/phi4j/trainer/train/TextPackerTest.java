package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextPackerTest {

    private static final TrainerConfig.DataConfig.DocumentSplit BLANK_LINES =
            TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES;

    @Test
    void blankLinesSeparateDocumentsOrTheWholeFileIsOne() {
        String text = "\nFirst paragraph,\nstill first.\n\n  \n\nSecond.\r\n\r\nThird\n\n\n";
        assertEquals(List.of("First paragraph,\nstill first.", "Second.", "Third"),
                TextPacker.documents(text, BLANK_LINES));
        assertEquals(List.of(text), TextPacker.documents(text, TrainerConfig.DataConfig.DocumentSplit.FILE));
    }

    @Test
    void theBooksPackIntoTrainAndValidationSplitsOfWholeDocuments(@TempDir Path dir) throws IOException {
        TextPacker.Result packed = TextPacker.pack(TrainFixtures.BOOKS, BLANK_LINES, 0.1, TrainFixtures.tokenizer(),
                16, dir.resolve("data"));
        ShardSet shards = packed.shards();
        long documents = TrainFixtures.BOOKS.stream().mapToLong(f -> {
            try {
                return TextPacker.documents(Files.readString(f), BLANK_LINES).size();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).sum();
        assertEquals(documents, packed.documents());
        assertTrue(packed.validationDocuments() >= 1 && packed.validationDocuments() < documents / 4,
                packed.validationDocuments() + " of " + documents);
        double heldOut = packed.validation().tokens() / (double) (packed.validation().tokens() + packed.train().tokens());
        assertTrue(heldOut >= 0.1 && heldOut < 0.2, "held out " + heldOut);
        assertEquals(packed.train().rows(), shards.split("train").size());
        assertEquals(packed.validation().rows(), shards.split("validation").size());

        // No document text appears on both sides: compare the token n-grams that follow each separator.
        Set<String> trainOpenings = openings(shards.split("train"));
        Set<String> validationOpenings = openings(shards.split("validation"));
        assertFalse(validationOpenings.isEmpty());
        validationOpenings.retainAll(trainOpenings);
        assertEquals(Set.of(), validationOpenings);
    }

    @Test
    void packingTheSameInputsAgainReusesTheShardsAndOtherInputsReplaceThem(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("data");
        TextPacker.Result first = TextPacker.pack(TrainFixtures.BOOKS, BLANK_LINES, 0.1, TrainFixtures.tokenizer(), 16,
                out);
        TextPacker.Result again = TextPacker.pack(TrainFixtures.BOOKS, BLANK_LINES, 0.1, TrainFixtures.tokenizer(), 16,
                out);
        assertFalse(first.reused());
        assertTrue(again.reused());
        assertEquals(first.shards().manifest(), again.shards().manifest());
        TextPacker.Result other = TextPacker.pack(TrainFixtures.BOOKS.subList(0, 1), BLANK_LINES, 0.1,
                TrainFixtures.tokenizer(), 16, out);
        assertFalse(other.reused());
        assertTrue(other.shards().split("train").size() < first.shards().split("train").size());
    }

    @Test
    void microBatchesShiftLabelsNumberDocumentsAndReadMasksAtTheTargets() {
        int[] tokens = {7, 1, 2, 7, 3, 4, 5, 7, 6};
        boolean[] mask = {false, true, true, false, true, true, true, false, true};
        MultiDataSet batch = MicroBatches.of(List.of(new TokenRow(tokens, new int[] {0, 3, 7}, mask)), 8,
                PhiDecoder.Masking.DOCUMENTS);
        assertArrayEquals(new float[] {7, 1, 2, 7, 3, 4, 5, 7}, batch.getFeatures(0).toFloatVector());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1, 1, 2}, batch.getFeatures(1).toFloatVector());
        assertArrayEquals(new long[] {1, 1, 8}, batch.getLabels(0).shape());
        assertArrayEquals(new float[] {1, 2, 7, 3, 4, 5, 7, 6}, batch.getLabels(0).reshape(-1).toFloatVector());
        assertArrayEquals(new float[] {1, 1, 0, 1, 1, 1, 0, 1}, batch.getLabelsMaskArray(0).toFloatVector());
        assertEquals(6.0, MicroBatches.targets(batch));

        MultiDataSet causal = MicroBatches.of(List.of(new TokenRow(tokens, new int[] {0})), 8,
                PhiDecoder.Masking.CAUSAL);
        assertEquals(1, causal.getFeatures().length);
        assertNull(causal.getLabelsMaskArrays());
        assertEquals(8.0, MicroBatches.targets(causal));
    }

    /** The first six tokens after every separator that starts a document inside a row. */
    private static Set<String> openings(ShardSet.Split split) {
        int separator = TrainFixtures.tokenizer().specialTokens().endOfText();
        Set<String> openings = new HashSet<>();
        for (TokenRow row : split) {
            for (int start : row.documentStarts()) {
                if (row.tokens()[start] == separator && start + 7 <= row.tokens().length) {
                    List<Integer> gram = new ArrayList<>();
                    for (int i = start + 1; i < start + 7; i++) {
                        gram.add(row.tokens()[i]);
                    }
                    openings.add(gram.toString());
                }
            }
        }
        return openings;
    }
}
