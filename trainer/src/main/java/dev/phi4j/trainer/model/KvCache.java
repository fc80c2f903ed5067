package dev.phi4j.trainer.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keys (after RoPE) and values of the positions a {@link DecoderInference} has seen, per layer, for a batch of
 * equally long rows. Preallocated to a capacity (at most the model's context length); positions 0..length-1 are
 * filled. Not thread-safe: one cache per sequence batch.
 */
public final class KvCache {

    private final INDArray[] keys;                        // per layer (B, nKvHeads, capacity, head_dim)
    private final INDArray[] values;
    private final int capacity;
    private int length;

    KvCache(int layers, int batch, int kvHeads, int capacity, int headDim, DataType dataType) {
        this.keys = new INDArray[layers];
        this.values = new INDArray[layers];
        this.capacity = capacity;
        for (int layer = 0; layer < layers; layer++) {
            keys[layer] = Nd4j.create(dataType, batch, kvHeads, capacity, headDim);
            values[layer] = Nd4j.create(dataType, batch, kvHeads, capacity, headDim);
        }
    }

    /** Positions filled so far: the RoPE position of the next token. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    public int batchSize() {
        return (int) keys[0].size(0);
    }

    /**
     * Forgets positions {@code newLength..length-1}, e.g. to resample from an earlier point or reuse a shared prompt;
     * {@code truncate(0)} empties the cache.
     */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    INDArray keys(int layer) {
        return keys[layer];
    }

    INDArray values(int layer) {
        return values[layer];
    }

    void advance(int positions) {
        length += positions;
    }
}
