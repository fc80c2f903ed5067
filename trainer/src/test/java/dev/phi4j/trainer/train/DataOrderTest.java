package dev.phi4j.trainer.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class DataOrderTest {

    private static final int ROWS = 50;

    @Test
    void theSameSeedGivesTheSameOrderAndEveryEpochVisitsEachRowOnce() {
        List<Long> first = draw(new DataOrder(ROWS, 7, true), 3 * ROWS);
        assertEquals(first, draw(new DataOrder(ROWS, 7, true), 3 * ROWS));
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Long> visited = new ArrayList<>(first.subList(epoch * ROWS, (epoch + 1) * ROWS));
            visited.sort(null);
            assertEquals(LongStream.range(0, ROWS).boxed().toList(), visited, "epoch " + epoch);
        }
        assertNotEquals(first.subList(0, ROWS), first.subList(ROWS, 2 * ROWS), "each epoch is reshuffled");
        assertNotEquals(first, draw(new DataOrder(ROWS, 8, true), 3 * ROWS), "another seed, another order");
    }

    @Test
    void drawingFromAnyPositionGivesWhatTheFullSequenceHasThere() {
        List<Long> full = draw(new DataOrder(ROWS, 7, true), 3 * ROWS);
        DataOrder resumed = new DataOrder(ROWS, 7, true);
        for (int position = 117; position < 3 * ROWS; position++) {
            assertEquals(full.get(position), resumed.rowAt(position));
        }
    }

    @Test
    void withoutShufflingRowsComeInShardOrder() {
        assertEquals(List.of(0L, 1L, 2L, 0L, 1L), draw(new DataOrder(3, 7, false), 5));
    }

    private static List<Long> draw(DataOrder order, int count) {
        List<Long> rows = new ArrayList<>();
        for (int position = 0; position < count; position++) {
            rows.add(order.rowAt(position));
        }
        return rows;
    }
}
