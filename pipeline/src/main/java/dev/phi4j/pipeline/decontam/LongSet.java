package dev.phi4j.pipeline.decontam;

/** A growable open-addressing set of 64-bit hashes, cleared by resetting only the slots used: reused per thread. */
final class LongSet {
    long[] slots = new long[64];
    int[] used = new int[32];
    int size;

    /** Adds {@code value}; whether it was absent. */
    boolean add(long value) {
        long v = value == 0 ? 1 : value;
        if ((size + 1) * 2 > slots.length) {
            long[] old = slots;
            slots = new long[old.length * 2];
            used = new int[old.length];
            size = 0;
            for (long o : old) {
                if (o != 0) {
                    insert(o);
                }
            }
        }
        return insert(v);
    }

    private boolean insert(long v) {
        int mask = slots.length - 1;
        int slot = (int) ((v * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (slots[slot] != 0) {
            if (slots[slot] == v) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        slots[slot] = v;
        used[size++] = slot;
        return true;
    }

    boolean contains(long value) {
        long v = value == 0 ? 1 : value;
        int mask = slots.length - 1;
        int slot = (int) ((v * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (slots[slot] != 0) {
            if (slots[slot] == v) {
                return true;
            }
            slot = (slot + 1) & mask;
        }
        return false;
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            slots[used[i]] = 0;
        }
        size = 0;
    }
}
