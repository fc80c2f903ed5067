package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * The decoder's forward pass for generation: one call advances any number of sequences, each in its own slot of a
 * {@link KvCache}, by any number of tokens each, and returns their logits. A new token attends to its sequence's
 * cached keys and values instead of recomputing the prefix: O(context) per token instead of O(context²). Causal
 * attention over one document per sequence (what a prompt and its continuation are), RoPE positions continuing from
 * the slot's length, up to the context length. Each layer runs training's own block forward,
 * {@link TransformerBlock#forward}, on the training weights (fused q|k|v and gate|up matrices); only what the new
 * tokens attend to differs ({@link CachedAttention}), so the logits equal {@link PhiDecoder#logits} position by
 * position, to rounding, for either masking.
 *
 * <pre>{@code
 * DecoderInference decoder = DecoderInference.of(net);
 * KvCache cache = decoder.newCache();
 * int a = cache.open(), b = cache.open();
 * List<INDArray> logits = decoder.forward(cache, List.of(
 *         new DecoderInference.Chunk(a, promptA, false),                // (1, vocab): after the prompt's last token
 *         new DecoderInference.Chunk(b, new int[] {token}, false)));   // one more token of sequence b
 * cache.free(a);                                                       // the slot is reused by the next open()
 * }</pre>
 *
 * <p>All new tokens of a call, from every sequence, go through the projections and the MLP as one (N, d_model)
 * matrix. The one-token chunks (decoding) share one batched attention over the cache slots, each slot masked past its
 * own length; a longer chunk (a prompt) attends on its own, causal within itself. ND4J costs tens of microseconds per
 * op whatever its size, so at small shapes the number of ops, not their arithmetic, sets the speed: batching the
 * attention keeps the op count of a decoding step independent of the batch.
 *
 * <p>The weights are views of the network's parameters, so the decoder follows further training; do not train and
 * generate at the same time. One thread drives a cache; separate caches may run on separate threads.
 */
public final class DecoderInference {

    private static final String WORKSPACE_ID = "phi4j-decoder-inference";

    private final ModelConfig config;
    private final DataType dataType;
    private final INDArray embedding;                     // (vocab, d_model)
    private final TransformerBlock block;
    private final List<TransformerBlock.Weights> blocks;
    private final INDArray finalGain;                     // (d_model)
    private final INDArray head;                          // (d_model, vocab)
    private final TransformerBlock.RopeTable rope;        // (context, head_dim/2) each
    private final double scale;

    /**
     * New tokens for the sequence in {@code slot}; the logits of every new position when {@code allPositions}, else
     * of the last.
     */
    public record Chunk(int slot, int[] tokens, boolean allPositions) {
        public Chunk {
            if (tokens.length == 0) {
                throw new IllegalArgumentException("a chunk needs at least one token");
            }
        }
    }

    /** The one-token chunks, rows 0..B-1 of a forward: one attention over cache slots 0..S-1 and L positions. */
    private record Decoding(int[] slots, int[] rowOfSlot, int slotCount, int length, INDArray cacheRows,
                            INDArray mask) {
        int rows() {
            return slots.length;
        }

        /** Row r sits in slot r and no other slot is in range: no gathering. */
        boolean identity() {
            return rowOfSlot == null;
        }
    }

    /** A chunk of n > 1 tokens, rows row..row+n-1, positions start.. of its slot. */
    private record Span(int slot, int row, int start, int n) {}

    private DecoderInference(ModelConfig config, INDArray embedding, List<TransformerBlock.Weights> blocks,
                             INDArray finalGain, INDArray head) {
        this.config = config;
        this.dataType = head.dataType();
        this.embedding = embedding;
        this.block = new TransformerBlock(config);
        this.blocks = blocks;
        this.finalGain = finalGain;
        this.head = head;
        this.rope = TransformerBlock.RopeTable.of(config, dataType);
        this.scale = 1.0 / Math.sqrt(config.headDim());
    }

    /** The decoder of a network built by {@link PhiDecoder#build} (either masking), sharing its weights. */
    public static DecoderInference of(ComputationGraph net) {
        return of(net, trainedShape(net).contextLength());
    }

    /**
     * The same decoder over a context of {@code contextLength} tokens, its RoPE (θ and scaling unchanged) and causal
     * mask extended: how a model is measured beyond the context it was trained at, as long-context evaluation does.
     */
    public static DecoderInference of(ComputationGraph net, int contextLength) {
        ModelConfig trained = trainedShape(net);
        ModelConfig config = trained.withContext(contextLength, trained.ropeTheta());
        List<TransformerBlock.Weights> blocks = new ArrayList<>();
        for (int layer = 0; layer < config.nLayers(); layer++) {
            blocks.add(((DecoderBlockRuntime) net.getVertex(PhiDecoder.blockName(layer))).weights());
        }
        Map<String, INDArray> params = net.paramTable();       // getParam(name) finds layers' parameters only
        return new DecoderInference(config, params.get(PhiDecoder.EMBEDDING + "_W"), blocks,
                params.get(PhiDecoder.FINAL_NORM + "_" + FinalRmsNorm.GAIN), params.get(PhiDecoder.LM_HEAD + "_W"));
    }

    private static ModelConfig trainedShape(ComputationGraph net) {
        if (!(net.getConfiguration().getVertices().get(PhiDecoder.blockName(0)) instanceof DecoderBlock first)) {
            throw new IllegalArgumentException("not a PhiDecoder network: no vertex " + PhiDecoder.blockName(0));
        }
        return first.getModel();
    }

    public ModelConfig config() {
        return config;
    }

    /** An empty cache; it grows as sequences are opened and fed. */
    public KvCache newCache() {
        return new KvCache(config, dataType);
    }

    /**
     * Appends each chunk's tokens to its slot and returns, per chunk in order, the logits after its new tokens:
     * (n, vocab) for every new position when {@link Chunk#allPositions()}, else (1, vocab). Row j of a chunk's
     * logits predicts the token after its j-th new token.
     *
     * @throws IllegalArgumentException if a sequence would outgrow the context, a token is not in the vocabulary or
     *                                  a slot appears twice; {@link IllegalStateException} if a slot is not open.
     *                                  Nothing changes then.
     */
    public List<INDArray> forward(KvCache cache, List<Chunk> chunks) {
        check(cache, chunks);
        if (chunks.isEmpty()) {
            return List.of();
        }
        // Rows: the one-token chunks first (they share one attention), then the longer ones; rowOf[i] is chunk i's
        // first row. Logits come back in chunk order.
        List<Integer> order = new ArrayList<>(chunks.size());
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < chunks.size(); i++) {
                if ((chunks.get(i).tokens().length == 1) == (pass == 0)) {
                    order.add(i);
                }
            }
        }
        int[] rowOf = new int[chunks.size()];
        int total = 0, slotCount = 0, longest = 0;
        for (int i : order) {
            Chunk chunk = chunks.get(i);
            rowOf[i] = total;
            total += chunk.tokens().length;
            slotCount = Math.max(slotCount, chunk.slot() + 1);
            longest = Math.max(longest, cache.length(chunk.slot()) + chunk.tokens().length);
        }
        cache.reserve(slotCount, longest);
        int[] ids = new int[total];
        int[] positions = new int[total];
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            int start = cache.length(chunk.slot());
            for (int j = 0; j < chunk.tokens().length; j++) {
                ids[rowOf[i] + j] = chunk.tokens()[j];
                positions[rowOf[i] + j] = start + j;
            }
        }

        INDArray logits;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager()
                .getAndActivateWorkspace(TransformerBlock.CYCLIC_WORKSPACE, WORKSPACE_ID)) {
            Decoding decoding = decoding(cache, chunks, order);
            List<Span> spans = new ArrayList<>();
            for (int i : order) {
                Chunk chunk = chunks.get(i);
                int n = chunk.tokens().length, start = cache.length(chunk.slot());
                if (n > 1) {
                    spans.add(new Span(chunk.slot(), rowOf[i], start, n));
                }
            }
            long half = rope.cos().size(1);
            // Every new token is a sequence of its own, (N, 1) tokens, with its own RoPE angles.
            TransformerBlock.Angles angles = new TransformerBlock.Angles(
                    Nd4j.pullRows(rope.cos(), 1, positions).reshape(total, 1, 1, half),            // (N, 1, 1, hd/2)
                    Nd4j.pullRows(rope.sin(), 1, positions).reshape(total, 1, 1, half));
            INDArray x = Nd4j.createUninitialized(dataType, total, config.dModel());
            Nd4j.pullRows(embedding, x, 1, ids);                                                   // (N, d)
            for (int layer = 0; layer < blocks.size(); layer++) {
                CachedAttention attention = new CachedAttention(cache, layer, decoding, spans);
                x = block.forward(x, total, blocks.get(layer), angles, attention, TransformerBlock.Memory.SCRATCH)
                        .out();                                                                    // (N, d)
            }
            INDArray last = Nd4j.pullRows(x, 1, outputRows(chunks, rowOf));                       // (rows, d)
            INDArray out = Nd4j.createUninitialized(dataType, last.shape());
            TransformerBlock.rmsNorm(last, finalGain, config.normEps(),
                    Nd4j.createUninitialized(dataType, last.size(0), 1), Nd4j.createUninitialized(dataType, last.shape()),
                    out);
            logits = out.mmul(head).detach();                                                     // (rows, vocab)
        }
        for (Chunk chunk : chunks) {
            cache.advance(chunk.slot(), chunk.tokens().length);
        }
        List<INDArray> perChunk = new ArrayList<>(chunks.size());
        int row = 0;
        for (Chunk chunk : chunks) {
            int n = chunk.allPositions() ? chunk.tokens().length : 1;
            perChunk.add(logits.get(NDArrayIndex.interval(row, row + n), NDArrayIndex.all()));     // (n, vocab)
            row += n;
        }
        return perChunk;
    }

    /**
     * What new tokens attend to in generation: their sequence's cached keys and values and their own, which are
     * appended to the cache of this layer first.
     */
    private final class CachedAttention implements TransformerBlock.Attention {

        private final KvCache cache;
        private final int layer;
        private final Decoding decoding;
        private final List<Span> spans;

        CachedAttention(KvCache cache, int layer, Decoding decoding, List<Span> spans) {
            this.cache = cache;
            this.layer = layer;
            this.decoding = decoding;
            this.spans = spans;
        }

        /** q (N, H, 1, hd), k and v (N, kv, 1, hd): N sequences of one new token each. */
        @Override
        public INDArray attend(INDArray q, INDArray k, INDArray v, TransformerBlock.Memory memory) {
            int nHeads = config.nHeads(), nKv = config.nKvHeads(), hd = config.headDim();
            long n = q.size(0);
            INDArray queries = q.reshape(n, nHeads, hd), keys = k.reshape(n, nKv, hd);           // (N, heads, hd)
            // A copy: rows get(interval(...)) of the strided view of q|k|v came back empty (shape []).
            INDArray values = v.dup('c').reshape(n, nKv, hd);                                    // (N, kv, hd)
            INDArray y = memory.keep(dataType, n, (long) nHeads * hd);
            if (decoding != null) {
                decodeAttention(decoding, cache, layer, queries, keys, values, y);
            }
            for (Span span : spans) {
                spanAttention(span, cache, layer, queries, keys, values, y);
            }
            return y;                                                                            // (N, H·hd)
        }
    }

    /**
     * The one-token chunks, rows 0..B-1: their keys and values are scattered into their slots (one op per cache),
     * then one batched attention over slots 0..S-1 and positions 0..L-1, each slot masked past its own length.
     * Slots in range but not in this batch compute masked garbage that is never read. Writes rows 0..B-1 of y.
     */
    @SuppressWarnings("deprecation")   // Nd4j.scatterUpdate updates in place (the ScatterUpdate op returns a copy)
    private void decodeAttention(Decoding decoding, KvCache cache, int layer, INDArray q, INDArray k, INDArray v,
                                 INDArray y) {
        int rows = decoding.rows(), slots = decoding.slotCount(), length = decoding.length();
        int nHeads = config.nHeads(), nKv = config.nKvHeads(), hd = config.headDim(), group = nHeads / nKv;
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, cache.keys(layer).reshape(-1, hd), decoding.cacheRows(),
                tokens(k, 0, rows).reshape((long) rows * nKv, hd), 1);
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, cache.values(layer).reshape(-1, hd), decoding.cacheRows(),
                tokens(v, 0, rows).reshape((long) rows * nKv, hd), 1);

        INDArray queries = tokens(q, 0, rows).reshape(rows, (long) nHeads * hd);             // (B, H·hd)
        if (!decoding.identity()) {
            queries = Nd4j.pullRows(queries, 1, decoding.rowOfSlot());                       // (S, H·hd)
        }
        INDArray keys = slotsAndPositions(cache.keys(layer), slots, length);                 // (S, kv, L, hd)
        INDArray values = slotsAndPositions(cache.values(layer), slots, length);
        INDArray probabilities = Nd4j.createUninitialized(dataType, slots, nKv, group, length);
        INDArray attended = Nd4j.createUninitialized(dataType, slots, nKv, group, hd);
        TransformerBlock.attention(queries.reshape(slots, nKv, group, hd), keys, values, scale, decoding.mask(),
                probabilities.shape(), probabilities, attended);                             // (S, kv, group, hd)
        INDArray perSlot = attended.reshape(slots, (long) nHeads * hd);                      // (S, H·hd)
        y.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()).assign(decoding.identity() ? perSlot
                : Nd4j.pullRows(perSlot, 1, decoding.slots()));                              // (B, H·hd)
    }

    /**
     * A chunk of n > 1 tokens: its keys and values go into its slot at positions start..start+n-1, then causal
     * attention against the slot's first start + n positions. Writes rows row..row+n-1 of y.
     */
    private void spanAttention(Span span, KvCache cache, int layer, INDArray q, INDArray k, INDArray v, INDArray y) {
        int n = span.n(), start = span.start(), length = start + n;
        int nHeads = config.nHeads(), nKv = config.nKvHeads(), hd = config.headDim(), group = nHeads / nKv;
        INDArray keys = cache.keys(layer).get(NDArrayIndex.point(span.slot()), NDArrayIndex.all(),
                NDArrayIndex.interval(0, length), NDArrayIndex.all());                       // (kv, L, hd)
        INDArray values = cache.values(layer).get(NDArrayIndex.point(span.slot()), NDArrayIndex.all(),
                NDArrayIndex.interval(0, length), NDArrayIndex.all());
        keys.get(NDArrayIndex.all(), NDArrayIndex.interval(start, length), NDArrayIndex.all())
                .assign(tokens(k, span.row(), n).permute(1, 0, 2));
        values.get(NDArrayIndex.all(), NDArrayIndex.interval(start, length), NDArrayIndex.all())
                .assign(tokens(v, span.row(), n).permute(1, 0, 2));

        // Query head h uses kv head h / group, so (H, n) regroups as (kv, group·n): one matmul serves every head.
        // Blocks of queries: each sees the keys up to its own last position, no (n, L) array per head.
        INDArray slotKeys = keys.dup('c'), slotValues = values.dup('c');                   // (kv, L, hd)
        for (int from = 0; from < n; from += TransformerBlock.QUERY_BLOCK) {
            int to = Math.min(n, from + TransformerBlock.QUERY_BLOCK), count = to - from;
            try (MemoryWorkspace ignored = TransformerBlock.queryBlockWorkspace()) {
                INDArray queries = tokens(q, span.row() + from, count).permute(1, 0, 2).dup('c')
                        .reshape(nKv, (long) group * count, hd);                              // (kv, group·count, hd)
                INDArray probabilities = TransformerBlock.causalProbabilities(queries,
                        new TransformerBlock.Prefix(slotKeys, start + to), scale, group, null);
                INDArray attended = Nd4j.createUninitialized(dataType, nKv, (long) group * count, hd);
                TransformerBlock.gemmPerMatrix(TransformerBlock.Prefix.of(probabilities),
                        new TransformerBlock.Prefix(slotValues, start + to), TransformerBlock.Prefix.of(attended),
                        false, false, 1.0, 0.0);
                y.get(NDArrayIndex.interval(span.row() + from, span.row() + to), NDArrayIndex.all())
                        .assign(attended.reshape(nHeads, count, hd).permute(1, 0, 2)
                                .reshape(count, (long) nHeads * hd));                         // (count, H·hd)
            }
        }
    }

    /** The decoding rows' slots, where their new keys go, and their mask; null when no chunk has one token. */
    private Decoding decoding(KvCache cache, List<Chunk> chunks, List<Integer> order) {
        int rows = 0;
        while (rows < order.size() && chunks.get(order.get(rows)).tokens().length == 1) {
            rows++;
        }
        if (rows == 0) {
            return null;
        }
        int nKv = config.nKvHeads(), capacity = cache.capacity();
        int[] slots = new int[rows];
        int slotCount = 0, length = 0;
        boolean identity = true;
        for (int r = 0; r < rows; r++) {
            slots[r] = chunks.get(order.get(r)).slot();
            slotCount = Math.max(slotCount, slots[r] + 1);
            length = Math.max(length, cache.length(slots[r]) + 1);
            identity &= slots[r] == r;
        }
        identity &= slotCount == rows;
        int[] cacheRows = new int[rows * nKv];                   // row of (slot, kv head, position) in (·, head_dim)
        float[] mask = new float[slotCount * length];
        Arrays.fill(mask, (float) TransformerBlock.MASKED);
        for (int r = 0; r < rows; r++) {
            int position = cache.length(slots[r]);
            for (int kvHead = 0; kvHead < nKv; kvHead++) {
                cacheRows[r * nKv + kvHead] = (slots[r] * nKv + kvHead) * capacity + position;
            }
            Arrays.fill(mask, slots[r] * length, slots[r] * length + position + 1, 0f);
        }
        int[] rowOfSlot = null;
        if (!identity) {
            rowOfSlot = new int[slotCount];                      // slots outside the batch take row 0's query
            for (int r = 0; r < rows; r++) {
                rowOfSlot[slots[r]] = r;
            }
        }
        return new Decoding(slots, rowOfSlot, slotCount, length, Nd4j.createFromArray(cacheRows),
                Nd4j.createFromArray(mask).castTo(dataType).reshape(slotCount, 1, 1, length));
    }

    /** Tokens from..from+n-1 of per-token heads (N, heads, head_dim), a view. */
    private static INDArray tokens(INDArray perToken, int from, int n) {
        return perToken.get(NDArrayIndex.interval(from, from + n), NDArrayIndex.all(), NDArrayIndex.all());
    }

    private static INDArray slotsAndPositions(INDArray cache, int slots, int length) {
        return cache.get(NDArrayIndex.interval(0, slots), NDArrayIndex.all(), NDArrayIndex.interval(0, length),
                NDArrayIndex.all());
    }

    /** The rows of the (N, d) hidden states that reach the head, in chunk order: all new positions, or the last. */
    private static int[] outputRows(List<Chunk> chunks, int[] rowOf) {
        int count = 0;
        for (Chunk chunk : chunks) {
            count += chunk.allPositions() ? chunk.tokens().length : 1;
        }
        int[] rows = new int[count];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int n = chunks.get(i).tokens().length;
            for (int j = chunks.get(i).allPositions() ? 0 : n - 1; j < n; j++) {
                rows[at++] = rowOf[i] + j;
            }
        }
        return rows;
    }

    private void check(KvCache cache, List<Chunk> chunks) {
        if (!cache.config().equals(config)) {
            throw new IllegalArgumentException("the cache was made for another model shape: " + cache.config());
        }
        BitSet seen = new BitSet();
        for (Chunk chunk : chunks) {
            int slot = chunk.slot();
            cache.checkOpen(slot);
            if (seen.get(slot)) {
                throw new IllegalArgumentException("cache slot " + slot + " appears twice in one forward");
            }
            seen.set(slot);
            int after = cache.length(slot) + chunk.tokens().length;
            if (after > config.contextLength()) {
                throw new IllegalArgumentException("a sequence would hold " + after + " tokens; the model's context is "
                        + config.contextLength());
            }
            for (int token : chunk.tokens()) {
                if (token < 0 || token >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + token + " is outside the vocabulary (0.."
                            + (config.vocabSize() - 1) + ")");
                }
            }
        }
    }
}
