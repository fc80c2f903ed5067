package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static dev.phi4j.trainer.model.TransformerBlock.heads;

/**
 * The {@link TransformerBlock.Attention} of training: B rows of T tokens attend to their own row's earlier tokens,
 * all of them ({@link #causal}) or those of their own document ({@link #documents}), forward and backward. One per
 * forward pass: it keeps the attention probabilities for backprop.
 *
 * <p>Grouped queries: query head h uses kv head h / group. The query heads of one kv head are stacked along time,
 * (B, nKvHeads, group·T, head_dim), so one batched matmul serves them all without copying k and v per query head.
 */
final class SelfAttention implements TransformerBlock.Attention {

    private static final MMulTranspose PLAIN = MMulTranspose.allFalse();
    private static final MMulTranspose B_TRANSPOSED = MMulTranspose.builder().transposeB(true).build();
    private static final MMulTranspose A_TRANSPOSED = MMulTranspose.builder().transposeA(true).build();

    private final ModelConfig c;
    private final double scale;
    private final INDArray mask;                          // additive: (T, T), or (B, 1, T, T) with documents
    private final TransformerBlock.Angles angles;
    private INDArray probabilities;                       // (B, kv, group·T, T), kept by attend

    /** Gradients of the loss with respect to attention's inputs: dq (B, H, T, hd), dk and dv (B, kv, T, hd). */
    record Gradients(INDArray dq, INDArray dk, INDArray dv) {}

    private SelfAttention(ModelConfig c, INDArray mask, TransformerBlock.Angles angles) {
        this.c = c;
        this.scale = 1.0 / Math.sqrt(c.headDim());
        this.mask = mask;
        this.angles = angles;
    }

    /** Every token sees all earlier tokens of its row; RoPE positions 0..T-1. */
    static SelfAttention causal(ModelConfig c, INDArray causalMask, TransformerBlock.RopeTable rope, int t) {
        return new SelfAttention(c, causalMask, rope.range(0, t));
    }

    /**
     * Document masking from segment ids (B, T): token i sees token j iff j ≤ i and both carry the same id; RoPE
     * positions count the earlier tokens of the same document, so they restart at 0 with each document. Built here,
     * per block, because the (B, T, T) mask is T times larger than the ids it comes from.
     */
    static SelfAttention documents(ModelConfig c, INDArray causalMask, TransformerBlock.RopeTable rope,
                                   INDArray segmentIds, TransformerBlock.Memory memory) {
        long batch = segmentIds.size(0);
        int t = (int) segmentIds.size(1);
        DataType type = rope.cos().dataType();
        int[] positions = documentPositions(segmentIds.toDoubleMatrix());
        long half = rope.cos().size(1);
        INDArray cos = memory.keep(type, batch * t, half), sin = memory.keep(type, batch * t, half);
        Nd4j.pullRows(rope.cos(), cos, 1, positions);
        Nd4j.pullRows(rope.sin(), sin, 1, positions);

        INDArray column = segmentIds.castTo(type).reshape(batch, t, 1);
        INDArray mask = memory.keep(type, batch, 1, t, t);
        INDArray otherDocument = mask.reshape(batch, t, t);
        Nd4j.exec(new SubOp(column, column.reshape(batch, 1, t), otherDocument));            // id_i − id_j
        Nd4j.exec(new Step(otherDocument.muli(otherDocument), otherDocument, 0.0));            // 1 where ids differ
        otherDocument.muli(TransformerBlock.MASKED).addi(causalMask);                         // (B, T, T)
        return new SelfAttention(c, mask,
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
        probabilities = memory.keep(type, batch, nKv, (long) group * t, t);
        INDArray attended = Nd4j.createUninitialized(type, batch, nKv, (long) group * t, hd);
        TransformerBlock.attention(q.reshape(batch, nKv, (long) group * t, hd), k, v, scale, mask,
                new long[] {batch, nHeads, t, t}, probabilities, attended);                  // mask on (B, H, T, T)
        INDArray y = memory.keep(type, batch * t, (long) nHeads * hd);
        y.reshape(batch, t, nHeads, hd).permute(0, 2, 1, 3).assign(attended.reshape(batch, nHeads, t, hd));
        return y;                                                                              // (N, H·hd)
    }

    /** Backward of {@link #attend} from dL/dy (N, H·hd), with the block's forward arrays {@code s}. */
    Gradients backward(INDArray dy, TransformerBlock.Activations s) {
        long batch = s.batch();
        int nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), group = nHeads / nKv, t = s.length();
        DataType type = dy.dataType();
        INDArray dAttended = dy.reshape(batch, t, nHeads, hd).permute(0, 2, 1, 3)
                .reshape(batch, nKv, (long) group * t, hd);                                  // copies when group > 1
        INDArray v = heads(s.qkv(), nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3);
        INDArray dScores = Nd4j.createUninitialized(type, batch, nKv, (long) group * t, t);
        Nd4j.exec(new Mmul(dAttended, v, dScores, 1.0, 0.0, B_TRANSPOSED));                  // dL/dprobabilities
        INDArray dv = Nd4j.createUninitialized(type, batch, nKv, t, hd);
        Nd4j.exec(new Mmul(probabilities, dAttended, dv, 1.0, 0.0, A_TRANSPOSED));
        softmaxBackward(dy, s.y(), dScores, batch, t);                                         // now dL/dscores
        INDArray dq = Nd4j.createUninitialized(type, batch, nKv, (long) group * t, hd);
        Nd4j.exec(new Mmul(dScores, s.k(), dq, scale, 0.0, PLAIN));
        INDArray dk = Nd4j.createUninitialized(type, batch, nKv, t, hd);
        Nd4j.exec(new Mmul(dScores, s.q().reshape(batch, nKv, (long) group * t, hd), dk, scale, 0.0, A_TRANSPOSED));
        return new Gradients(dq.reshape(batch, nHeads, t, hd), dk, dv);
    }

    /**
     * dscores = p ⊙ (dp − Σ_j dp_j p_j), in place of dp. The row sums equal dy · y per head (dp = dy·vᵀ and
     * y = p·v), which is far cheaper than reducing the (T, T) product.
     */
    private void softmaxBackward(INDArray dy, INDArray y, INDArray dProbabilities, long batch, int t) {
        int nHeads = c.nHeads(), hd = c.headDim();
        INDArray rowSums = dy.mul(y).reshape(batch, t, nHeads, hd).sum(3)                    // (B, T, H)
                .permute(0, 2, 1).dup('c')
                .reshape(batch, c.nKvHeads(), (long) (nHeads / c.nKvHeads()) * t, 1);       // (B, kv, group·T, 1)
        dProbabilities.subi(rowSums);
        dProbabilities.muli(probabilities);
    }
}
