package dev.phi4j.core.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Which token a pair of adjacent tokens merges into, as an open-addressing table over primitive ints: the
 * encoder asks this once or twice per byte of text, and a boxed {@code HashMap<Long, Integer>} costs more
 * than the rest of the merge loop.
 */
final class PairIds {

    /** Vocabularies are at most 2^15 ids, so a pair packs into one non-negative int. */
    private static final int ID_BITS = 15;

    private static final int EMPTY = -1;

    private final int[] keys;
    private final int[] ids;
    private final int mask;
    private final int shift;

    /** @param merges in rank order; merge {@code k} produces id {@code firstId + k} */
    PairIds(List<BpeMerge> merges, int firstId) {
        int capacity = Integer.highestOneBit(Math.max(4, merges.size() * 2)) * 2;
        keys = new int[capacity];
        ids = new int[capacity];
        mask = capacity - 1;
        shift = Integer.numberOfLeadingZeros(mask);
        Arrays.fill(keys, EMPTY);
        for (int k = 0; k < merges.size(); k++) {
            int key = key(merges.get(k).left(), merges.get(k).right());
            int slot = slot(key);
            while (keys[slot] != EMPTY && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == EMPTY) {
                keys[slot] = key;
                ids[slot] = firstId + k;
            }
        }
    }

    /** The merged id, or -1 when the pair is never merged. */
    int get(int left, int right) {
        int key = key(left, right);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return ids[slot];
            }
            if (keys[slot] == EMPTY) {
                return -1;
            }
        }
    }

    private static int key(int left, int right) {
        return left << ID_BITS | right;
    }

    private int slot(int key) {
        return (key * 0x9E3779B9) >>> shift;
    }
}
