package dev.phi4j.pipeline.decontam;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table's filter may let an absent gram through to the keys but must never turn a present one away. */
class GramTableTest {

    @Test
    void everyGramStoredIsFoundWithItsIdsAndNoAbsentGramIs() {
        SplittableRandom random = new SplittableRandom(19);
        Map<Long, Set<Integer>> stored = new HashMap<>();
        GramTable.Builder builder = new GramTable.Builder();
        for (int i = 0; i < 60_000; i++) {
            long gram = i % 7 == 0 ? i : random.nextLong();
            int id = random.nextInt(500);
            builder.add(gram, id);
            stored.computeIfAbsent(gram == 0 ? 1 : gram, g -> new HashSet<>()).add(id);
        }
        builder.add(0, 7);
        stored.computeIfAbsent(1L, g -> new HashSet<>()).add(7);
        GramTable table = builder.build(Integer.MAX_VALUE, null, gram -> false);
        assertEquals(stored.size(), table.size());
        for (Map.Entry<Long, Set<Integer>> entry : stored.entrySet()) {
            int slot = table.find(entry.getKey());
            assertTrue(slot >= 0, "gram " + entry.getKey());
            List<Integer> ids = new ArrayList<>();
            for (int p = table.from(slot); p < table.to(slot); p++) {
                ids.add(table.posting(p));
            }
            assertEquals(entry.getValue(), new HashSet<>(ids), "ids of gram " + entry.getKey());
            assertEquals(entry.getValue().size(), ids.size(), "each id once");
            for (int id : entry.getValue()) {
                assertTrue(table.holds(entry.getKey(), id, null));
            }
        }
        for (int i = 0; i < 1_000_000; i++) {
            long absent = random.nextLong();
            if (!stored.containsKey(GramTable.key(absent))) {
                assertEquals(-1, table.find(absent));
                assertFalse(table.holds(absent, 1, null));
            }
        }
    }

    @Test
    void gramsHeldByTooManyItemsOrExcludedAreLeftOut() {
        GramTable.Builder builder = new GramTable.Builder();
        for (int id = 0; id < 6; id++) {
            builder.add(42, id);
        }
        builder.add(43, 1);
        builder.add(44, 2);
        GramTable table = builder.build(5, null, gram -> gram == 44);
        assertEquals(-1, table.find(42));
        assertEquals(1, builder.stopGrams());
        assertEquals(-1, table.find(44));
        assertTrue(table.holds(43, 1, null));
        assertTrue(table.holds(43, 9, new int[] {0, 9}), "through the posting → item map");
        assertFalse(table.holds(43, 0, new int[] {0, 9}));
    }
}
