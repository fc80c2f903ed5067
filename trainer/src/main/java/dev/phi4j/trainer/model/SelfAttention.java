package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.TransformerBlock.Prefix;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashMap;
import java.util.Map;

import static dev.phi4j.trainer.model.TransformerBlock.gemmPerMatrix;
import static dev.phi4j.trainer.model.TransformerBlock.heads;

/**
 * The {@link TransformerBlock.Attention} of training: B rows of T tokens attend to their own row's earlier tokens,
 * all of them ({@link #causal}) or those of their own document ({@link #documents}), forward and backward.
 *
 * <p>Blocked: queries go {@code queryBlock} positions at a time, each block against the keys up to its last position
 * only, so the masked upper triangle is skipped and no (T, T) array exists per head, in the forward or the backward.
 * The probabilities are not kept between the two: backward recomputes each block's from q and k (one more q·kᵀ
 * matmul and softmax), which is what keeps the memory of a step linear in T beyond the block size.
 *
 * <p>Grouped queries: query head h uses kv head h / group. The query heads of one kv head are stacked along time,
 * (B, nKvHeads, group·n, head_dim), so one batched matmul serves them all without copying k and v per query head.
 */
final class SelfAttention implements TransformerBlock.Attention {

    private final ModelConfig c;
    private final double scale;
    private final int queryBlock;
    private final INDArray segmentIds;                    // (B, T) in the compute type; null: causal only
    private final TransformerBlock.Angles angles;

    /** Gradients of the loss with respect to attention's inputs: dq (B, H, T, hd), dk and dv (B, kv, T, hd). */
    record Gradients(INDArray dq, INDArray dk, INDArray dv) {}

    private SelfAttention(ModelConfig c, int queryBlock, INDArray segmentIds, TransformerBlock.Angles angles) {
        if (queryBlock < 1) {
            throw new IllegalArgumentException("queryBlock must be positive, got " + queryBlock);
        }
        this.c = c;
        this.scale = 1.0 / Math.sqrt(c.headDim());
        this.queryBlock = queryBlock;
        this.segmentIds = segmentIds;
        this.angles = angles;
    }

    /** Every token sees all earlier tokens of its row; RoPE positions 0..T-1. */
    static SelfAttention causal(ModelConfig c, TransformerBlock.RopeTable rope, int t, int queryBlock) {
        return new SelfAttention(c, queryBlock, null, rope.range(0, t));
    }

    /**
     * Document masking from segment ids (B, T): token i sees token j iff j ≤ i and both carry the same id; RoPE
     * positions count the earlier tokens of the same document, so they restart at 0 with each document. Each query
     * block builds its own (B, n, keys) mask from the ids.
     */
    static SelfAttention documents(ModelConfig c, TransformerBlock.RopeTable rope, INDArray segmentIds,
                                   int queryBlock, TransformerBlock.Memory memory) {
        long batch = segmentIds.size(0);
        int t = (int) segmentIds.size(1);
        DataType type = rope.cos().dataType();
        int[] positions = documentPositions(segmentIds.toDoubleMatrix());
        long half = rope.cos().size(1);
        INDArray cos = memory.keep(type, batch * t, half), sin = memory.keep(type, batch * t, half);
        Nd4j.pullRows(rope.cos(), cos, 1, positions);
        Nd4j.pullRows(rope.sin(), sin, 1, positions);
        INDArray ids = memory.keep(type, batch, t).assign(segmentIds.castTo(type).reshape(batch, t));
        return new SelfAttention(c, queryBlock, ids,
                new TransformerBlock.Angles(cos.reshape(batch, t, 1, half), sin.reshape(batch, t, 1, half)));
    }

    /** RoPE position of every token, rows concatenated: how many earlier tokens of its row carry its id. */
    static int[] documentPositions(double[][] segmentIds) {
        int length = segmentIds.length == 0 ? 0 : segmentIds[0].length;
        int[] positions = new int[segmentIds.length * length];
        for (int row = 0; row < segmentIds.length; row++) {
            Map<Double, Integer> seen = new HashMap<>();
            for (int i = 0; i < length; i++) {
                positions[row * length + i] = seen.merge(segmentIds[row][i], 1, Integer::sum) - 1;
            }
        }
        return positions;
    }

    /** The tokens' RoPE angles, (1 or B, T, 1, head_dim/2). */
    TransformerBlock.Angles angles() {
        return angles;
    }

    @Override
    public INDArray attend(INDArray q, INDArray k, INDArray v, TransformerBlock.Memory memory) {
        long batch = q.size(0);
        int nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), group = nHeads / nKv;
        int t = (int) q.size(2);
        DataType type = q.dataType();
        INDArray values = v.dup('c');                          // (B, kv, T, hd): every block reads a prefix of it
        INDArray y = memory.keep(type, batch * t, (long) nHeads * hd);
        INDArray yTokens = y.reshape(batch, t, nHeads, hd);
        for (int from = 0; from < t; from += queryBlock) {
            int to = Math.min(t, from + queryBlock);
            try (MemoryWorkspace ignored = TransformerBlock.queryBlockWorkspace()) {
                INDArray probabilities = probabilities(queries(q, from, to), k, from, to);  // (B, kv, group·n, to)
                INDArray attended = Nd4j.createUninitialized(type, batch, nKv, probabilities.size(2), hd);
                gemmPerMatrix(Prefix.of(probabilities), new Prefix(values, to), Prefix.of(attended), false, false, 1.0, 0.0);
                tokens(yTokens, from, to).assign(attended.reshape(batch, nHeads, to - from, hd).permute(0, 2, 1, 3));
            }
        }
        return y;                                                                              // (N, H·hd)
    }

    /** Backward of {@link #attend} from dL/dy (N, H·hd), with the block's forward arrays {@code s}. */
    Gradients backward(INDArray dy, TransformerBlock.Activations s) {
        long batch = s.batch();
        int nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), group = nHeads / nKv, t = s.length();
        DataType type = dy.dataType();
        INDArray values = heads(s.qkv(), nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3).dup('c');  // (B, kv, T, hd)
        INDArray dyTokens = dy.reshape(batch, t, nHeads, hd);
        // Σ_j dp_j p_j of softmax's backward equals dy · y per head (dp = dy·vᵀ and y = p·v): no (n, T) reduction.
        INDArray rowSums = dy.mul(s.y()).reshape(batch, t, nHeads, hd).sum(3)
                .permute(0, 2, 1).dup('c');                                                   // (B, H, T)
        INDArray dq = Nd4j.createUninitialized(type, batch, nHeads, t, hd);
        INDArray dk = Nd4j.zeros(type, batch, nKv, t, hd), dv = Nd4j.zeros(type, batch, nKv, t, hd);
        for (int from = 0; from < t; from += queryBlock) {
            int to = Math.min(t, from + queryBlock);
            try (MemoryWorkspace ignored = TransformerBlock.queryBlockWorkspace()) {
                long rows = (long) group * (to - from);
                INDArray queries = queries(s.q(), from, to);                              // (B, kv, group·n, hd)
                INDArray probabilities = probabilities(queries, s.k(), from, to);         // (B, kv, group·n, to)
                INDArray dAttended = tokens(dyTokens, from, to).permute(0, 2, 1, 3).dup('c')
                        .reshape(batch, nKv, rows, hd);                                   // (B, kv, group·n, hd)
                INDArray dScores = Nd4j.createUninitialized(type, batch, nKv, rows, to);
                gemmPerMatrix(Prefix.of(dAttended), new Prefix(values, to), Prefix.of(dScores), false, true, 1, 0);  // dL/dp
                gemmPerMatrix(Prefix.of(probabilities), Prefix.of(dAttended), new Prefix(dv, to), true, false, 1, 1);
                // dscores = p ⊙ (dp − Σ_j dp_j p_j), in place of dp.
                dScores.subi(rowSums.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to))
                        .dup('c').reshape(batch, nKv, rows, 1));
                dScores.muli(probabilities);
                INDArray dQueries = Nd4j.createUninitialized(type, batch, nKv, rows, hd);
                gemmPerMatrix(Prefix.of(dScores), new Prefix(s.k(), to), Prefix.of(dQueries), false, false, scale, 0);
                positions(dq, from, to).assign(dQueries.reshape(batch, nHeads, to - from, hd));
                gemmPerMatrix(Prefix.of(dScores), Prefix.of(queries), new Prefix(dk, to), true, false, scale, 1);
            }
        }
        return new Gradients(dq, dk, dv);
    }

    /** Queries from..to-1 of q (B, H, T, hd), grouped heads stacked: (B, kv, group·n, hd), a copy unless all of q. */
    private INDArray queries(INDArray q, int from, int to) {
        long batch = q.size(0), rows = (long) (c.nHeads() / c.nKvHeads()) * (to - from);
        INDArray block = from == 0 && to == q.size(2) ? q : positions(q, from, to).dup('c');
        return block.reshape(batch, c.nKvHeads(), rows, c.headDim());
    }

    /** The block's probabilities against keys 0..to-1, masked causally and, with segment ids, by document. */
    private INDArray probabilities(INDArray queries, INDArray k, int from, int to) {
        int group = c.nHeads() / c.nKvHeads();
        return TransformerBlock.causalProbabilities(queries, new Prefix(k, to), scale, group,
                segmentIds == null ? null : otherDocuments(from, to));
    }

    /** {@link TransformerBlock#MASKED} where query i (from ≤ i < to) and key j (< to) are of different documents. */
    private INDArray otherDocuments(int from, int to) {
        long batch = segmentIds.size(0);
        int n = to - from;
        INDArray queryIds = segmentIds.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to)).dup('c');
        INDArray keyIds = segmentIds.get(NDArrayIndex.all(), NDArrayIndex.interval(0, to)).dup('c');
        INDArray mask = Nd4j.createUninitialized(segmentIds.dataType(), batch, n, to);
        Nd4j.exec(new SubOp(queryIds.reshape(batch, n, 1), keyIds.reshape(batch, 1, to), mask));  // id_i − id_j
        Nd4j.exec(new Step(mask.muli(mask), mask, 0.0));                                        // 1 where ids differ
        return mask.muli(TransformerBlock.MASKED).reshape(batch, 1, 1, n, to);                  // over kv and group
    }

    /** Tokens from..to-1 of x (B, T, H, hd), a view. */
    private static INDArray tokens(INDArray x, int from, int to) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** Positions from..to-1 of x (B, heads, T, hd), a view. */
    private static INDArray positions(INDArray x, int from, int to) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }
}
