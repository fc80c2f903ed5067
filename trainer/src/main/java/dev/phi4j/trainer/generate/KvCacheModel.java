package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The decoder's forward pass for generation, in plain ND4J from the network's own parameters (CONTRACTS §1 names),
 * with a key/value cache: each sequence keeps every block's keys and values, so a new token attends to the cache
 * instead of recomputing the prefix, O(context) per token instead of O(context²).
 *
 * <p>The math is {@link PhiDecoder}'s, step for step (pre-norm RMSNorm, grouped-query attention with rotate-half
 * RoPE at positions 0.., SwiGLU, final RMSNorm, untied head); {@code KvCacheModelTest} checks the logits against
 * {@link PhiDecoder#logits} in double precision. A sequence is one document, so a network trained with document
 * masking computes the same here as on a row holding only that document.
 *
 * <p>All tokens of a forward, from every sequence, go through the projections and the MLP as one (N, d_model)
 * matrix. The caches of all sequences share one array per block, (slots, kv heads, capacity, head_dim), so the
 * sequences that advance by one token (decoding) share one batched attention; a longer feed (a prompt) attends on its
 * own. ND4J costs tens of microseconds per op whatever its size, so at small shapes the number of ops, not their
 * arithmetic, sets the speed: batching the attention keeps it independent of the batch. The weights are views of the
 * network's parameters: training the network further changes what this model computes.
 */
public final class KvCacheModel implements LanguageModel {

    /** Additive bias of masked attention pairs, as in {@link PhiDecoder}: exp(-1e9 - max) is exactly 0. */
    private static final double MASKED = -1e9;

    /** Cache positions and sequence slots at first; both double when outgrown (positions up to the context). */
    private static final int INITIAL_CAPACITY = 64;
    private static final int INITIAL_SLOTS = 4;

    private final ModelConfig config;
    private final DataType dataType;
    private final INDArray embedding;   // (vocab, d_model)
    private final Block[] blocks;
    private final INDArray finalNorm;   // (d_model)
    private final INDArray lmHead;      // (d_model, vocab)
    private final INDArray cos;         // (context, head_dim): cos(position · inv_freq), halves duplicated
    private final INDArray sin;         // (context, head_dim)

    // The key/value cache of every sequence: per block (slots, kv heads, capacity, head_dim), one slot per sequence.
    private final INDArray[] keys;
    private final INDArray[] values;
    private final BitSet usedSlots = new BitSet();
    private int slotCount;
    private int capacity;

    /** One block's weights, shapes (in, out) as in {@code PhiDecoder.BlockWeights}. */
    private record Block(INDArray attentionNorm, INDArray wq, INDArray wk, INDArray wv, INDArray wo,
                         INDArray mlpNorm, INDArray wGate, INDArray wUp, INDArray wDown) {}

    public KvCacheModel(ComputationGraph net, ModelConfig config) {
        this.config = config;
        this.dataType = net.params().dataType();
        Map<String, INDArray> params = net.paramTable();        // views of the network's parameters
        this.embedding = params.get(PhiDecoder.EMBEDDING + "_W");
        this.blocks = new Block[config.nLayers()];
        for (int layer = 0; layer < config.nLayers(); layer++) {
            String prefix = PhiDecoder.blockName(layer) + "_";
            blocks[layer] = new Block(params.get(prefix + "attentionNorm"), params.get(prefix + "wq"),
                    params.get(prefix + "wk"), params.get(prefix + "wv"), params.get(prefix + "wo"),
                    params.get(prefix + "mlpNorm"), params.get(prefix + "wGate"), params.get(prefix + "wUp"),
                    params.get(prefix + "wDown"));
        }
        this.finalNorm = params.get(PhiDecoder.FINAL_NORM + "_gain");
        this.lmHead = params.get(PhiDecoder.LM_HEAD + "_W");
        if (embedding == null || finalNorm == null || lmHead == null || blocks[0].wq() == null) {
            throw new IllegalArgumentException("the network does not have the decoder's parameters (embedding_W, "
                    + "block0_wq, ..., finalNorm_gain, lmHead_W): " + params.keySet());
        }
        int t = config.contextLength(), headDim = config.headDim();
        // inv_freq_j = θ^(-2j/head_dim) for j < head_dim/2, repeated for the second half (rotate-half layout);
        // the tables are computed in double, then cast.
        double[][] cosTable = new double[t][headDim];
        double[][] sinTable = new double[t][headDim];
        for (int position = 0; position < t; position++) {
            for (int i = 0; i < headDim; i++) {
                double invFreq = Math.pow(config.ropeTheta(), -2.0 * (i % (headDim / 2)) / headDim);
                cosTable[position][i] = Math.cos(position * invFreq);
                sinTable[position][i] = Math.sin(position * invFreq);
            }
        }
        this.cos = Nd4j.createFromArray(cosTable).castTo(dataType);
        this.sin = Nd4j.createFromArray(sinTable).castTo(dataType);
        this.keys = new INDArray[config.nLayers()];
        this.values = new INDArray[config.nLayers()];
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public State newSequence() {
        int slot = usedSlots.nextClearBit(0);
        usedSlots.set(slot);
        return new Cache(slot);
    }

    @Override
    public List<INDArray> forward(List<Feed> feeds) {
        LanguageModel.checkFits(config, feeds);
        // Tokens are laid out one-token feeds first (they share one batched attention), then the longer chunks;
        // rowOf[i] is the first row of feed i. Logits come back in feed order.
        List<Integer> order = new ArrayList<>(feeds.size());
        for (int i = 0; i < feeds.size(); i++) {
            if (feeds.get(i).tokens().length == 1) {
                order.add(i);
            }
        }
        int decodeRows = order.size();
        for (int i = 0; i < feeds.size(); i++) {
            if (feeds.get(i).tokens().length > 1) {
                order.add(i);
            }
        }
        int total = 0, slots = 0, longest = 0;
        int[] rowOf = new int[feeds.size()];
        for (int i : order) {
            Feed feed = feeds.get(i);
            rowOf[i] = total;
            total += feed.tokens().length;
            slots = Math.max(slots, ((Cache) feed.state()).slot + 1);
            longest = Math.max(longest, feed.state().length() + feed.tokens().length);
        }
        ensureCapacity(slots, longest);
        int[] ids = new int[total];
        int[] positions = new int[total];
        for (int i : order) {
            Feed feed = feeds.get(i);
            for (int j = 0; j < feed.tokens().length; j++) {
                ids[rowOf[i] + j] = feed.tokens()[j];
                positions[rowOf[i] + j] = feed.state().length() + j;
            }
        }
        List<Feed> decode = new ArrayList<>(decodeRows);
        List<Feed> chunks = new ArrayList<>(order.size() - decodeRows);
        for (int k = 0; k < order.size(); k++) {
            (k < decodeRows ? decode : chunks).add(feeds.get(order.get(k)));
        }

        int headDim = config.headDim();
        INDArray cosN = Nd4j.pullRows(cos, 1, positions).reshape(total, 1, headDim);          // (N, 1, head_dim)
        INDArray sinN = Nd4j.pullRows(sin, 1, positions).reshape(total, 1, headDim);          // (N, 1, head_dim)
        INDArray x = Nd4j.pullRows(embedding, 1, ids);                                        // (N, d_model)
        for (int layer = 0; layer < blocks.length; layer++) {
            Block w = blocks[layer];
            x.addi(attention(rmsNorm(x, w.attentionNorm()), layer, w, decode, chunks, cosN, sinN));  // (N, d_model)
            x.addi(swiglu(rmsNorm(x, w.mlpNorm()), w));                                       // (N, d_model)
        }
        for (Feed feed : feeds) {
            ((Cache) feed.state()).length += feed.tokens().length;
        }

        int[] rows = outputRows(feeds, rowOf);
        INDArray hidden = rmsNorm(Nd4j.pullRows(x, 1, rows), finalNorm);                      // (rows, d_model)
        INDArray logits = hidden.mmul(lmHead);                                                // (rows, vocab)
        List<INDArray> out = new ArrayList<>(feeds.size());
        int row = 0;
        for (Feed feed : feeds) {
            int n = feed.allPositions() ? feed.tokens().length : 1;
            out.add(logits.get(NDArrayIndex.interval(row, row + n), NDArrayIndex.all()));      // (n, vocab)
            row += n;
        }
        return out;
    }

    /**
     * Causal grouped-query attention of the N new tokens (the one-token feeds' rows first, then the chunks'), each
     * sequence against its own cache; the new keys and values are written into the caches first. Returns the output
     * projection, (N, d_model).
     */
    private INDArray attention(INDArray h, int layer, Block w, List<Feed> decode, List<Feed> chunks, INDArray cosN,
                               INDArray sinN) {
        int total = (int) h.size(0), nHeads = config.nHeads(), nKvHeads = config.nKvHeads(), headDim = config.headDim();
        INDArray q = rope(h.mmul(w.wq()).reshape(total, nHeads, headDim), cosN, sinN)
                .muli(1.0 / Math.sqrt(headDim));                                              // (N, H, head_dim)
        INDArray k = rope(h.mmul(w.wk()).reshape(total, nKvHeads, headDim), cosN, sinN);     // (N, kv, head_dim)
        INDArray v = h.mmul(w.wv()).reshape(total, nKvHeads, headDim);                        // (N, kv, head_dim)

        List<INDArray> outputs = new ArrayList<>(1 + chunks.size());
        if (!decode.isEmpty()) {
            outputs.add(decodeAttention(layer, decode, q, k, v));                             // (B, H·head_dim)
        }
        int offset = decode.size();
        for (Feed chunk : chunks) {
            outputs.add(chunkAttention(layer, chunk, offset, q, k, v));                       // (n, H·head_dim)
            offset += chunk.tokens().length;
        }
        INDArray y = outputs.size() == 1 ? outputs.get(0) : Nd4j.concat(0, outputs.toArray(INDArray[]::new));
        return y.mmul(w.wo());                                                                // (N, d_model)
    }

    /**
     * The one-token feeds, rows 0..B-1, in one batched attention over the cache slots 0..S-1 (S = the highest of
     * their slots + 1) and the whole cache length, with the positions each sequence has not reached masked out.
     * Slots of sequences not in this batch compute masked garbage that is never read.
     */
    @SuppressWarnings("deprecation")   // Nd4j.scatterUpdate: updates in place (the ScatterUpdate op returns a copy)
    private INDArray decodeAttention(int layer, List<Feed> decode, INDArray q, INDArray k, INDArray v) {
        int b = decode.size(), nHeads = config.nHeads(), nKvHeads = config.nKvHeads(), headDim = config.headDim();
        int group = nHeads / nKvHeads;
        int slots = 0;
        boolean identity = true;                    // feed r sits in slot r: no gather needed
        int[] slotOf = new int[b];
        for (int r = 0; r < b; r++) {
            slotOf[r] = ((Cache) decode.get(r).state()).slot;
            slots = Math.max(slots, slotOf[r] + 1);
            identity &= slotOf[r] == r;
        }
        identity &= slots == b;

        // Write the new keys and values at (slot, kv head, position): one scatter per cache.
        int[] cacheRows = new int[b * nKvHeads];
        for (int r = 0; r < b; r++) {
            int position = decode.get(r).state().length();
            for (int head = 0; head < nKvHeads; head++) {
                cacheRows[r * nKvHeads + head] = (slotOf[r] * nKvHeads + head) * capacity + position;
            }
        }
        INDArray rowIndex = Nd4j.createFromArray(cacheRows);
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, keys[layer].reshape(-1, headDim), rowIndex,
                rows(k, 0, b).reshape((long) b * nKvHeads, headDim), 1);
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, values[layer].reshape(-1, headDim), rowIndex,
                rows(v, 0, b).reshape((long) b * nKvHeads, headDim), 1);

        INDArray queries = rows(q, 0, b).reshape(b, (long) nHeads * headDim);                // (B, H·head_dim)
        if (!identity) {
            int[] rowOfSlot = new int[slots];
            Arrays.fill(rowOfSlot, b);                                              // row b: zeros
            for (int r = 0; r < b; r++) {
                rowOfSlot[slotOf[r]] = r;
            }
            queries = Nd4j.pullRows(Nd4j.concat(0, queries, Nd4j.zeros(dataType, 1, queries.size(1))), 1, rowOfSlot);
        }
        float[] mask = new float[slots * capacity];
        Arrays.fill(mask, (float) MASKED);
        for (int r = 0; r < b; r++) {
            Arrays.fill(mask, slotOf[r] * capacity, slotOf[r] * capacity
                    + decode.get(r).state().length() + 1, 0f);
        }
        INDArray keyView = slotRange(keys[layer], slots);                                     // (S, kv, C, head_dim)
        INDArray valueView = slotRange(values[layer], slots);                                 // (S, kv, C, head_dim)
        INDArray scores = Nd4j.matmul(queries.reshape(slots, nKvHeads, group, headDim), keyView, false, true, false)
                .addi(Nd4j.createFromArray(mask).reshape(slots, 1, 1, capacity).castTo(dataType)); // (S, kv, group, C)
        INDArray out = Nd4j.matmul(Nd4j.nn.softmax(scores, 3), valueView)                    // (S, kv, group, head_dim)
                .reshape(slots, (long) nHeads * headDim);                                     // (S, H·head_dim)
        return identity ? out : Nd4j.pullRows(out, 1, slotOf);                                // (B, H·head_dim)
    }

    /** A feed of n > 1 tokens (a prompt), causal within itself and against its cache. Returns (n, H·head_dim). */
    private INDArray chunkAttention(int layer, Feed feed, int offset, INDArray q, INDArray k, INDArray v) {
        int n = feed.tokens().length, nHeads = config.nHeads(), nKvHeads = config.nKvHeads(), headDim = config.headDim();
        int group = nHeads / nKvHeads;
        Cache cache = (Cache) feed.state();
        int start = cache.length, length = start + n;
        INDArray slotKeys = keys[layer].get(NDArrayIndex.point(cache.slot), NDArrayIndex.all(),
                NDArrayIndex.interval(0, length), NDArrayIndex.all());                        // (kv, L, head_dim)
        INDArray slotValues = values[layer].get(NDArrayIndex.point(cache.slot), NDArrayIndex.all(),
                NDArrayIndex.interval(0, length), NDArrayIndex.all());                        // (kv, L, head_dim)
        slotKeys.get(NDArrayIndex.all(), NDArrayIndex.interval(start, length), NDArrayIndex.all())
                .assign(rows(k, offset, n).permute(1, 0, 2));
        slotValues.get(NDArrayIndex.all(), NDArrayIndex.interval(start, length), NDArrayIndex.all())
                .assign(rows(v, offset, n).permute(1, 0, 2));

        // GQA: query head h uses kv head h / group, so (H, n) regroups as (kv, group·n) and one batched matmul
        // serves every query head.
        INDArray qByKvHead = rows(q, offset, n).permute(1, 0, 2).dup('c')
                .reshape(nKvHeads, (long) group * n, headDim);                                // (kv, group·n, head_dim)
        INDArray scores = Nd4j.matmul(qByKvHead, slotKeys, false, true, false)               // (kv, group·n, L)
                .reshape(nKvHeads, group, n, length).addi(causalMask(start, n))               // (kv, group, n, L)
                .reshape(nKvHeads, (long) group * n, length);
        return Nd4j.matmul(Nd4j.nn.softmax(scores, 2), slotValues)                            // (kv, group·n, head_dim)
                .reshape(nHeads, n, headDim).permute(1, 0, 2).reshape(n, (long) nHeads * headDim);
    }

    /**
     * Grows the caches to hold {@code slots} sequences of {@code length} positions: both double at least, so a
     * generation copies its cache O(log context) times.
     */
    private void ensureCapacity(int slots, int length) {
        if (keys[0] != null && slotCount >= slots && capacity >= length) {
            return;
        }
        int newSlots = keys[0] == null ? INITIAL_SLOTS : slotCount;
        int newCapacity = keys[0] == null ? INITIAL_CAPACITY : capacity;
        while (newSlots < slots) {
            newSlots *= 2;
        }
        while (newCapacity < length) {
            newCapacity *= 2;
        }
        newCapacity = Math.min(newCapacity, config.contextLength());
        for (int layer = 0; layer < blocks.length; layer++) {
            keys[layer] = grown(keys[layer], newSlots, newCapacity);
            values[layer] = grown(values[layer], newSlots, newCapacity);
        }
        slotCount = newSlots;
        capacity = newCapacity;
    }

    private INDArray grown(INDArray old, int newSlots, int newCapacity) {
        INDArray grown = Nd4j.create(dataType, newSlots, config.nKvHeads(), newCapacity, config.headDim());
        if (old != null) {
            grown.get(NDArrayIndex.interval(0, slotCount), NDArrayIndex.all(), NDArrayIndex.interval(0, capacity),
                    NDArrayIndex.all()).assign(old);
            old.close();
        }
        return grown;
    }

    private static INDArray slotRange(INDArray cache, int slots) {
        return cache.get(NDArrayIndex.interval(0, slots), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Rotate-half RoPE on (N, heads, head_dim): x·cos + [-x2, x1]·sin. */
    private static INDArray rope(INDArray x, INDArray cos, INDArray sin) {
        long half = x.size(2) / 2;
        INDArray x1 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, half));
        INDArray x2 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(half, x.size(2)));
        INDArray rotated = Nd4j.concat(2, x2.neg(), x1);                                      // (N, heads, head_dim)
        return x.mul(cos).addi(rotated.muli(sin));
    }

    /** RMSNorm over the rows of (N, d): x · rsqrt(mean(x²) + eps) · gain. */
    private INDArray rmsNorm(INDArray x, INDArray gain) {
        INDArray meanSquare = x.mul(x).mean(true, 1);                                         // (N, 1)
        return x.mul(Nd4j.math.rsqrt(meanSquare.addi(config.normEps()))).muli(gain.reshape(1, gain.length()));
    }

    /** (silu(x·W_gate) ⊙ x·W_up) · W_down. */
    private static INDArray swiglu(INDArray x, Block w) {
        INDArray gate = x.mmul(w.wGate());                                                    // (N, ffn)
        gate.muli(Transforms.sigmoid(gate, true));
        return gate.muli(x.mmul(w.wUp())).mmul(w.wDown());                                    // (N, d_model)
    }

    /** (n, L): query i (position start + i) sees key j iff j ≤ start + i. */
    private INDArray causalMask(int start, int n) {
        int length = start + n;
        double[][] mask = new double[n][length];
        for (int i = 0; i < n; i++) {
            for (int j = start + i + 1; j < length; j++) {
                mask[i][j] = MASKED;
            }
        }
        return Nd4j.createFromArray(mask).castTo(dataType);
    }

    private static INDArray rows(INDArray x, int offset, int n) {
        return x.get(NDArrayIndex.interval(offset, offset + n), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** The rows of the (N, d) hidden states that reach the head, in feed order: all new positions, or the last. */
    private static int[] outputRows(List<Feed> feeds, int[] rowOf) {
        int count = 0;
        for (Feed feed : feeds) {
            count += feed.allPositions() ? feed.tokens().length : 1;
        }
        int[] rows = new int[count];
        int at = 0;
        for (int i = 0; i < feeds.size(); i++) {
            Feed feed = feeds.get(i);
            int n = feed.tokens().length;
            if (feed.allPositions()) {
                for (int j = 0; j < n; j++) {
                    rows[at++] = rowOf[i] + j;
                }
            } else {
                rows[at++] = rowOf[i] + n - 1;
            }
        }
        return rows;
    }

    /** A sequence: its slot in the shared caches and the positions filled. Closing frees the slot. */
    private final class Cache implements State {
        private final int slot;
        private int length;
        private boolean closed;

        Cache(int slot) {
            this.slot = slot;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                usedSlots.clear(slot);
            }
        }
    }
}
