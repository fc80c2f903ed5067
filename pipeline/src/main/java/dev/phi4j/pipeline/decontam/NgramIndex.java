package dev.phi4j.pipeline.decontam;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Benchmark n-grams for broadcast: for each hashed n-gram, the items holding it, as sorted keys with postings
 * (compressed sparse rows); a lookup is a binary search. Built on the driver from the benchmark items (a few
 * thousand), never from the corpus.
 */
final class NgramIndex implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] keys;
    private final int[] offsets;
    private final int[] items;

    private NgramIndex(long[] keys, int[] offsets, int[] items) {
        this.keys = keys;
        this.offsets = offsets;
        this.items = items;
    }

    /** {@code grams[item]}: the item's distinct n-gram hashes; those in {@code excluded} are left out. */
    static NgramIndex of(List<long[]> grams, Set<Long> excluded) {
        TreeMap<Long, List<Integer>> postings = new TreeMap<>();
        for (int item = 0; item < grams.size(); item++) {
            for (long gram : grams.get(item)) {
                if (!excluded.contains(gram)) {
                    List<Integer> holders = postings.computeIfAbsent(gram, g -> new ArrayList<>(1));
                    if (holders.isEmpty() || holders.get(holders.size() - 1) != item) {
                        holders.add(item);
                    }
                }
            }
        }
        long[] keys = new long[postings.size()];
        int[] offsets = new int[postings.size() + 1];
        int total = postings.values().stream().mapToInt(List::size).sum();
        int[] items = new int[total];
        int k = 0;
        int p = 0;
        for (Map.Entry<Long, List<Integer>> entry : postings.entrySet()) {
            keys[k] = entry.getKey();
            offsets[k] = p;
            for (int item : entry.getValue()) {
                items[p++] = item;
            }
            k++;
        }
        offsets[k] = p;
        return new NgramIndex(keys, offsets, items);
    }

    /** Where {@code gram} is among the keys (negative when absent); its items are {@link #item} of [from, to). */
    int find(long gram) {
        return Arrays.binarySearch(keys, gram);
    }

    int from(int found) {
        return offsets[found];
    }

    int to(int found) {
        return offsets[found + 1];
    }

    int item(int posting) {
        return items[posting];
    }
}
