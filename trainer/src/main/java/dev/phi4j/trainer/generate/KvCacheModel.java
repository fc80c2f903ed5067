package dev.phi4j.trainer.generate;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
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
 * matrix; attention runs per sequence against its own cache. The weights are views of the network's parameters:
 * training the network further changes what this model computes.
 */
public final class KvCacheModel implements LanguageModel {

    /** Additive bias of masked attention pairs, as in {@link PhiDecoder}: exp(-1e9 - max) is exactly 0. */
    private static final double MASKED = -1e9;

    /** Cache positions a new sequence starts with; it doubles as the sequence grows, up to the context. */
    private static final int INITIAL_CAPACITY = 64;

    private final ModelConfig config;
    private final DataType dataType;
    private final INDArray embedding;   // (vocab, d_model)
    private final Block[] blocks;
    private final INDArray finalNorm;   // (d_model)
    private final INDArray lmHead;      // (d_model, vocab)
    private final INDArray cos;         // (context, head_dim): cos(position · inv_freq), halves duplicated
    private final INDArray sin;         // (context, head_dim)

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
        double[] invFreq = PhiDecoder.ropeInverseFrequencies(headDim, config.ropeTheta());
        double[][] cosTable = new double[t][headDim];
        double[][] sinTable = new double[t][headDim];
        for (int position = 0; position < t; position++) {
            for (int i = 0; i < headDim; i++) {
                cosTable[position][i] = Math.cos(position * invFreq[i]);
                sinTable[position][i] = Math.sin(position * invFreq[i]);
            }
        }
        this.cos = Nd4j.createFromArray(cosTable).castTo(dataType);
        this.sin = Nd4j.createFromArray(sinTable).castTo(dataType);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public State newSequence() {
        return new Cache();
    }

    @Override
    public List<INDArray> forward(List<Feed> feeds) {
        LanguageModel.checkFits(config, feeds);
        int total = 0;
        for (Feed feed : feeds) {
            total += feed.tokens().length;
        }
        int[] ids = new int[total];
        int[] positions = new int[total];
        int at = 0;
        for (Feed feed : feeds) {
            int start = feed.state().length();
            for (int j = 0; j < feed.tokens().length; j++) {
                ids[at] = feed.tokens()[j];
                positions[at++] = start + j;
            }
        }
        int headDim = config.headDim();
        INDArray cosN = Nd4j.pullRows(cos, 1, positions).reshape(total, 1, headDim);          // (N, 1, head_dim)
        INDArray sinN = Nd4j.pullRows(sin, 1, positions).reshape(total, 1, headDim);          // (N, 1, head_dim)

        INDArray x = Nd4j.pullRows(embedding, 1, ids);                                        // (N, d_model)
        for (int layer = 0; layer < blocks.length; layer++) {
            Block w = blocks[layer];
            x.addi(attention(rmsNorm(x, w.attentionNorm()), layer, w, feeds, cosN, sinN));    // (N, d_model)
            x.addi(swiglu(rmsNorm(x, w.mlpNorm()), w));                                       // (N, d_model)
        }
        for (Feed feed : feeds) {
            ((Cache) feed.state()).length += feed.tokens().length;
        }

        int[] rows = outputRows(feeds);
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
     * Causal grouped-query attention of the N new tokens, each sequence against its cache; the new keys and values
     * are appended to the caches first. Returns the output projection, (N, d_model).
     */
    private INDArray attention(INDArray h, int layer, Block w, List<Feed> feeds, INDArray cosN, INDArray sinN) {
        int total = (int) h.size(0), nHeads = config.nHeads(), nKvHeads = config.nKvHeads(), headDim = config.headDim();
        int group = nHeads / nKvHeads;
        INDArray q = rope(h.mmul(w.wq()).reshape(total, nHeads, headDim), cosN, sinN)
                .muli(1.0 / Math.sqrt(headDim));                                              // (N, H, head_dim)
        INDArray k = rope(h.mmul(w.wk()).reshape(total, nKvHeads, headDim), cosN, sinN);     // (N, kv, head_dim)
        INDArray v = h.mmul(w.wv()).reshape(total, nKvHeads, headDim);                        // (N, kv, head_dim)

        INDArray y = Nd4j.create(dataType, total, (long) nHeads * headDim);                  // (N, H·head_dim)
        int offset = 0;
        for (Feed feed : feeds) {
            int n = feed.tokens().length;
            Cache cache = (Cache) feed.state();
            int start = cache.length, length = start + n;
            cache.append(layer, slice(k, offset, n).permute(1, 0, 2), slice(v, offset, n).permute(1, 0, 2));
            INDArray keys = cache.keys(layer, length);                                        // (kv, L, head_dim)
            INDArray values = cache.values(layer, length);                                    // (kv, L, head_dim)

            // GQA: query head h uses kv head h / group, so (H, n) regroups as (kv, group·n) and one batched matmul
            // per sequence serves every query head.
            INDArray qByKvHead = slice(q, offset, n).permute(1, 0, 2).dup('c')
                    .reshape(nKvHeads, (long) group * n, headDim);                            // (kv, group·n, head_dim)
            INDArray scores = Nd4j.matmul(qByKvHead, keys, false, true, false);              // (kv, group·n, L)
            if (n > 1) {
                scores = scores.reshape(nKvHeads, group, n, length).addi(causalMask(start, n))  // (kv, group, n, L)
                        .reshape(nKvHeads, (long) group * n, length);
            }
            INDArray att = Nd4j.nn.softmax(scores, 2);                                        // (kv, group·n, L)
            INDArray out = Nd4j.matmul(att, values)                                           // (kv, group·n, head_dim)
                    .reshape(nHeads, n, headDim).permute(1, 0, 2).reshape(n, (long) nHeads * headDim);
            y.get(NDArrayIndex.interval(offset, offset + n), NDArrayIndex.all()).assign(out);
            offset += n;
        }
        return y.mmul(w.wo());                                                                // (N, d_model)
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

    private static INDArray slice(INDArray x, int offset, int n) {
        return x.get(NDArrayIndex.interval(offset, offset + n), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Which rows of the (N, d) hidden states reach the head: every new position, or each sequence's last. */
    private static int[] outputRows(List<Feed> feeds) {
        int count = 0;
        for (Feed feed : feeds) {
            count += feed.allPositions() ? feed.tokens().length : 1;
        }
        int[] rows = new int[count];
        int offset = 0, at = 0;
        for (Feed feed : feeds) {
            int n = feed.tokens().length;
            if (feed.allPositions()) {
                for (int j = 0; j < n; j++) {
                    rows[at++] = offset + j;
                }
            } else {
                rows[at++] = offset + n - 1;
            }
            offset += n;
        }
        return rows;
    }

    /** Per block: keys and values (kv, capacity, head_dim), the first {@code length} positions filled. */
    private final class Cache implements State {
        private final INDArray[] keys = new INDArray[config.nLayers()];
        private final INDArray[] values = new INDArray[config.nLayers()];
        private int length;

        @Override
        public int length() {
            return length;
        }

        void append(int layer, INDArray newKeys, INDArray newValues) {
            int n = (int) newKeys.size(1);
            int needed = length + n;
            if (keys[layer] == null || keys[layer].size(1) < needed) {
                int capacity = Math.min(config.contextLength(), Math.max(needed,
                        keys[layer] == null ? INITIAL_CAPACITY : 2 * (int) keys[layer].size(1)));
                keys[layer] = grow(keys[layer], capacity);
                values[layer] = grow(values[layer], capacity);
            }
            positions(keys[layer], length, needed).assign(newKeys);
            positions(values[layer], length, needed).assign(newValues);
        }

        INDArray keys(int layer, int upTo) {
            return positions(keys[layer], 0, upTo);
        }

        INDArray values(int layer, int upTo) {
            return positions(values[layer], 0, upTo);
        }

        private INDArray grow(INDArray old, int capacity) {
            INDArray grown = Nd4j.create(dataType, config.nKvHeads(), capacity, config.headDim());
            if (old != null) {
                positions(grown, 0, length).assign(positions(old, 0, length));
                old.close();
            }
            return grown;
        }

        private static INDArray positions(INDArray cache, int from, int to) {
            return cache.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
        }

        @Override
        public void close() {
            for (int layer = 0; layer < keys.length; layer++) {
                if (keys[layer] != null) {
                    keys[layer].close();
                    values[layer].close();
                    keys[layer] = null;
                    values[layer] = null;
                }
            }
        }
    }
}
