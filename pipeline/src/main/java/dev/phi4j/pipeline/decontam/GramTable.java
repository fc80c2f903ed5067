package dev.phi4j.pipeline.decontam;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Benchmark n-gram hashes → postings (the ids holding them: items, or benchmark sentences), as a primitive
 * open-addressing table built once on the driver and broadcast. A filter of eight bits per slot (two bits set per
 * gram, in one 64-bit word) answers most lookups of a document's n-grams (almost all absent) from a few hundred
 * kilobytes; a lookup allocates nothing.
 */
final class GramTable implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long[] keys;
    private final int[] first;
    private final int[] postings;
    private final long[] filter;
    private final int shift;
    private final int filterShift;
    private final int size;

    /** Built by {@link Builder}. */
    private GramTable(long[] keys, int[] first, int[] postings, long[] filter, int shift, int filterShift, int size) {
        this.keys = keys;
        this.first = first;
        this.postings = postings;
        this.filter = filter;
        this.shift = shift;
        this.filterShift = filterShift;
        this.size = size;
    }

    /** 0 is the empty slot's key: a gram hashing to 0 is stored and looked up as 1. */
    static long key(long gram) {
        return gram == 0 ? 1 : gram;
    }

    /**
     * The filter is blocked: the top bits of a gram's spread hash choose one 64-bit word and two fields of its middle
     * bits two bits in it, both set for a gram in the table. One load answers, as with one bit, but absent grams get
     * through to the keys (a cache miss) a quarter as often: 0.9–1.5 % of them instead of 4.2–5.7 % on the bench
     * corpus, where lookups were two fifths of the three matchers' flag time on clean text.
     */
    private static long filterBits(long spread) {
        return 1L << (spread >>> 20) | 1L << (spread >>> 26);
    }

    /** The slot holding {@code gram}, or -1. */
    int find(long gram) {
        long k = key(gram);
        long spread = k * GOLDEN;
        long bits = filterBits(spread);
        if ((filter[(int) (spread >>> filterShift)] & bits) != bits) {
            return -1;
        }
        int mask = keys.length - 1;
        int slot = (int) (spread >>> shift);
        while (true) {
            long at = keys[slot];
            if (at == k) {
                return slot;
            }
            if (at == 0) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Postings of a slot are {@code posting(from(slot)) … posting(to(slot) - 1)}. */
    int from(int slot) {
        return first[slot];
    }

    int to(int slot) {
        return first[slot + keys.length];
    }

    int posting(int p) {
        return postings[p];
    }

    int size() {
        return size;
    }

    /**
     * Whether {@code id} is among the postings of {@code gram}; with {@code postingId} (e.g. the item of each
     * sentence) whether a posting maps to it.
     */
    boolean holds(long gram, int id, int[] postingId) {
        int slot = find(gram);
        if (slot < 0) {
            return false;
        }
        for (int p = first[slot]; p < first[slot + keys.length]; p++) {
            if ((postingId == null ? postings[p] : postingId[postings[p]]) == id) {
                return true;
            }
        }
        return false;
    }

    /**
     * Collects (gram, id) pairs in any order, duplicates allowed; {@link #build} drops grams held by more than
     * {@code maxIds} distinct ids (stop n-grams, e.g. templated benchmark phrasing) and counts them.
     */
    static final class Builder {
        private long[] grams = new long[1024];
        private int[] ids = new int[1024];
        private int n;
        private long stopGrams;

        void add(long gram, int id) {
            if (n == grams.length) {
                grams = Arrays.copyOf(grams, n * 2);
                ids = Arrays.copyOf(ids, n * 2);
            }
            grams[n] = key(gram);
            ids[n] = id;
            n++;
        }

        /** Stop n-grams left out by the last {@link #build}. */
        long stopGrams() {
            return stopGrams;
        }

        /**
         * The table; {@code idGroup} maps an id to the group whose distinct count {@code maxIds} limits (an item for
         * item ids, the item of a sentence for sentence ids), {@code excluded} grams are left out.
         */
        GramTable build(int maxIds, int[] idGroup, java.util.function.LongPredicate excluded) {
            long[] sortedGrams = Arrays.copyOf(grams, n);
            int[] sortedIds = Arrays.copyOf(ids, n);
            sortPairs(sortedGrams, sortedIds, 0, n);
            int distinct = 0;
            for (int i = 0; i < n; i++) {
                if (i == 0 || sortedGrams[i] != sortedGrams[i - 1]) {
                    distinct++;
                }
            }
            int capacity = Integer.highestOneBit(Math.max(16, distinct * 2 - 1)) << 1;
            int filterBits = Math.max(1 << 12, capacity * 8);
            long[] keys = new long[capacity];
            int[] first = new int[2 * capacity];
            int[] postings = new int[n];
            long[] filter = new long[filterBits / 64];
            int shift = 64 - Integer.numberOfTrailingZeros(capacity);
            int filterShift = 64 - Integer.numberOfTrailingZeros(filterBits / 64);
            int p = 0;
            int stored = 0;
            stopGrams = 0;
            for (int i = 0; i < n; ) {
                int j = i;
                while (j < n && sortedGrams[j] == sortedGrams[i]) {
                    j++;
                }
                long gram = sortedGrams[i];
                int groups = 0;
                int lastGroup = -1;
                for (int q = i; q < j; q++) {
                    int group = idGroup == null ? sortedIds[q] : idGroup[sortedIds[q]];
                    if (group != lastGroup) {
                        groups++;
                        lastGroup = group;
                    }
                }
                if (groups > maxIds) {
                    stopGrams++;
                } else if (!excluded.test(gram)) {
                    long spread = gram * GOLDEN;
                    int slot = (int) (spread >>> shift);
                    while (keys[slot] != 0) {
                        slot = (slot + 1) & (capacity - 1);
                    }
                    keys[slot] = gram;
                    first[slot] = p;
                    int last = -1;
                    for (int q = i; q < j; q++) {
                        if (sortedIds[q] != last) {
                            postings[p++] = sortedIds[q];
                            last = sortedIds[q];
                        }
                    }
                    first[slot + capacity] = p;
                    filter[(int) (spread >>> filterShift)] |= filterBits(spread);
                    stored++;
                }
                i = j;
            }
            return new GramTable(keys, first, Arrays.copyOf(postings, p), filter, shift, filterShift, stored);
        }

        /** Sorts the pairs by gram, then id (grams are few: a plain quicksort on two arrays). */
        private static void sortPairs(long[] g, int[] d, int from, int to) {
            while (to - from > 16) {
                int mid = (from + to) >>> 1;
                long pg = g[mid];
                int pd = d[mid];
                int i = from;
                int j = to - 1;
                while (i <= j) {
                    while (less(g[i], d[i], pg, pd)) {
                        i++;
                    }
                    while (less(pg, pd, g[j], d[j])) {
                        j--;
                    }
                    if (i <= j) {
                        long tg = g[i];
                        g[i] = g[j];
                        g[j] = tg;
                        int td = d[i];
                        d[i] = d[j];
                        d[j] = td;
                        i++;
                        j--;
                    }
                }
                if (j - from < to - i) {
                    sortPairs(g, d, from, j + 1);
                    from = i;
                } else {
                    sortPairs(g, d, i, to);
                    to = j + 1;
                }
            }
            for (int i = from + 1; i < to; i++) {
                long tg = g[i];
                int td = d[i];
                int j = i - 1;
                while (j >= from && less(tg, td, g[j], d[j])) {
                    g[j + 1] = g[j];
                    d[j + 1] = d[j];
                    j--;
                }
                g[j + 1] = tg;
                d[j + 1] = td;
            }
        }

        private static boolean less(long ga, int da, long gb, int db) {
            return ga < gb || ga == gb && da < db;
        }
    }
}
