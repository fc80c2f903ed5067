package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Keys (after RoPE) and values of the sequences a {@link DecoderInference} decodes: one slot per sequence in one
 * (slots, kv heads, capacity, head_dim) array per layer, each slot with its own length, so sequences at different
 * positions share one forward. Slots and capacity double when outgrown (capacity up to the context length), so a
 * generation copies its cache O(log context) times. {@link #open()} takes the lowest free slot, {@link #free} gives
 * it back for the next sequence. Not thread-safe: one thread drives a cache.
 */
public final class KvCache {

    private static final int INITIAL_SLOTS = 4;
    private static final int INITIAL_CAPACITY = 64;

    private final ModelConfig config;
    private final DataType dataType;
    private final INDArray[] keys;                        // per layer (slots, kv heads, capacity, head_dim)
    private final INDArray[] values;
    private final BitSet open = new BitSet();
    private int[] lengths = new int[0];                   // per slot: positions filled
    private int slots;
    private int capacity;

    KvCache(ModelConfig config, DataType dataType) {
        this.config = config;
        this.dataType = dataType;
        this.keys = new INDArray[config.nLayers()];
        this.values = new INDArray[config.nLayers()];
    }

    /** An empty sequence: the lowest free slot, length 0. */
    public int open() {
        int slot = open.nextClearBit(0);
        open.set(slot);
        if (slot >= lengths.length) {
            lengths = Arrays.copyOf(lengths, Math.max(INITIAL_SLOTS, 2 * lengths.length));
        }
        lengths[slot] = 0;
        return slot;
    }

    /** Ends the sequence in {@code slot}; a later {@link #open()} reuses the slot. */
    public void free(int slot) {
        checkOpen(slot);
        open.clear(slot);
    }

    /** Positions the sequence in {@code slot} holds: the RoPE position of its next token. */
    public int length(int slot) {
        checkOpen(slot);
        return lengths[slot];
    }

    void checkOpen(int slot) {
        if (slot < 0 || !open.get(slot)) {
            throw new IllegalStateException("cache slot " + slot + " is not open");
        }
    }

    ModelConfig config() {
        return config;
    }

    /** Positions allocated per slot. */
    int capacity() {
        return capacity;
    }

    INDArray keys(int layer) {
        return keys[layer];
    }

    INDArray values(int layer) {
        return values[layer];
    }

    void advance(int slot, int positions) {
        lengths[slot] += positions;
    }

    /** Grows the arrays, if needed, to hold slots 0..{@code slotCount}-1 and {@code length} positions per slot. */
    void reserve(int slotCount, int length) {
        if (keys[0] != null && slots >= slotCount && capacity >= length) {
            return;
        }
        int newSlots = keys[0] == null ? INITIAL_SLOTS : slots;
        int newCapacity = keys[0] == null ? INITIAL_CAPACITY : capacity;
        while (newSlots < slotCount) {
            newSlots *= 2;
        }
        while (newCapacity < length) {
            newCapacity *= 2;
        }
        newCapacity = Math.min(newCapacity, config.contextLength());
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int layer = 0; layer < keys.length; layer++) {
                keys[layer] = grown(keys[layer], newSlots, newCapacity);
                values[layer] = grown(values[layer], newSlots, newCapacity);
            }
        }
        slots = newSlots;
        capacity = newCapacity;
    }

    private INDArray grown(INDArray old, int newSlots, int newCapacity) {
        INDArray grown = Nd4j.create(dataType, newSlots, config.nKvHeads(), newCapacity, config.headDim());
        if (old != null) {
            grown.get(NDArrayIndex.interval(0, slots), NDArrayIndex.all(), NDArrayIndex.interval(0, capacity),
                    NDArrayIndex.all()).assign(old);
            old.close();
        }
        return grown;
    }
}
