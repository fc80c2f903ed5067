package dev.phi4j.trainer.model;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The pieces of a block's math that training and cached inference share, forward and backward, on ND4J arrays.
 * Callers pass the output arrays, so that the memory (a DL4J workspace or plain memory) is theirs to choose;
 * scratch arrays come from the current workspace.
 */
final class BlockMath {

    /** Additive attention bias for masked pairs: exp(-1e9 - max) is exactly 0 in float and double. */
    static final double MASKED = -1e9;

    private static final MMulTranspose PLAIN = MMulTranspose.allFalse();
    private static final MMulTranspose B_TRANSPOSED = MMulTranspose.builder().transposeB(true).build();

    private BlockMath() {}

    /**
     * RMSNorm over the rows of x (N, d): {@code out = x / sqrt(mean(x²) + eps) · gain}, no centring, no bias.
     * Writes the normalised rows x̂ into {@code normed} (N, d) and 1/sqrt(mean(x²) + eps) into {@code invRms}
     * (N, 1), which the backward pass needs.
     */
    static void rmsNorm(INDArray x, INDArray gain, double eps, INDArray invRms, INDArray normed, INDArray out) {
        Nd4j.exec(new MulOp(x, x, normed));                                                 // x², for now
        Nd4j.exec(new RSqrt(normed.mean(true, 1).addi(eps), invRms));                       // (N, 1)
        Nd4j.exec(new MulOp(x, invRms, normed));                                             // x̂ (N, d)
        Nd4j.exec(new MulOp(normed, asRow(gain), out));                                      // (N, d)
    }

    /**
     * Backward of {@link #rmsNorm}: writes dL/dx into {@code dx} (N, d) and dL/dgain into {@code dGain} (d).
     * With x̂ = x·r: dx = r·(dx̂ − x̂·mean(dx̂ ⊙ x̂)) where dx̂ = dOut ⊙ gain.
     */
    static void rmsNormBackward(INDArray dOut, INDArray normed, INDArray invRms, INDArray gain, INDArray dGain,
                                INDArray dx) {
        INDArray product = dOut.mul(normed);                                                 // (N, d)
        product.sum(dGain, 0);                                                               // (d)
        Nd4j.exec(new MulOp(dOut, asRow(gain), dx));                                         // dx̂
        Nd4j.exec(new MulOp(dx, normed, product));                                           // dx̂ ⊙ x̂
        INDArray meanProduct = product.mean(true, 1);                                        // (N, 1)
        Nd4j.exec(new MulOp(normed, meanProduct, product));
        dx.subi(product);
        Nd4j.exec(new MulOp(dx, invRms, dx));                                                // (N, d)
    }

    /**
     * Rotate-half RoPE, {@code out = x·cos + rotate_half(x)·sin} with rotate_half([x1, x2]) = [-x2, x1] over the
     * two halves of head_dim (the GPT-NeoX / Llama / Phi-3 layout); {@code inverse} rotates back (the transpose, for
     * backprop). x and out (B, T, heads, head_dim) may be strided views but must not overlap; cos and sin are
     * (1 or B, T, 1, head_dim/2) and broadcast over batch and heads.
     */
    static void rope(INDArray x, INDArray cos, INDArray sin, INDArray out, boolean inverse) {
        long half = x.size(3) / 2;
        INDArray x1 = lastAxis(x, 0, half), x2 = lastAxis(x, half, 2 * half);                // (B, T, n, hd/2)
        INDArray out1 = lastAxis(out, 0, half), out2 = lastAxis(out, half, 2 * half);
        INDArray scratch = Nd4j.createUninitialized(x.dataType(), x1.shape());
        Nd4j.exec(new MulOp(x1, cos, out1));
        Nd4j.exec(new MulOp(x2, sin, scratch));
        if (inverse) {
            out1.addi(scratch);                                                              // x1·cos + x2·sin
        } else {
            out1.subi(scratch);                                                              // x1·cos − x2·sin
        }
        Nd4j.exec(new MulOp(x2, cos, out2));
        Nd4j.exec(new MulOp(x1, sin, scratch));
        if (inverse) {
            out2.subi(scratch);                                                              // x2·cos − x1·sin
        } else {
            out2.addi(scratch);                                                              // x2·cos + x1·sin
        }
    }

    /**
     * Scaled dot-product attention: {@code probabilities = softmax(q·kᵀ·scale + mask)} over the last axis, then
     * {@code attended = probabilities·v}. q (…, queries, head_dim), k and v (…, keys, head_dim) share their leading
     * (batch) axes; grouped query heads are stacked along the queries axis. The additive mask is added to
     * probabilities seen as {@code maskedShape} (a view: probabilities must be contiguous) and broadcasts there.
     * Writes probabilities (what backprop needs) and attended.
     */
    static void attention(INDArray q, INDArray k, INDArray v, double scale, INDArray mask, long[] maskedShape,
                          INDArray probabilities, INDArray attended) {
        Nd4j.exec(new Mmul(q, k, probabilities, scale, 0.0, B_TRANSPOSED));
        probabilities.reshape(maskedShape).addi(mask);
        Nd4j.exec(new SoftMax(probabilities, probabilities, probabilities.rank() - 1));
        Nd4j.exec(new Mmul(probabilities, v, attended, 1.0, 0.0, PLAIN));
    }

    /**
     * SwiGLU's activation of gate|up rows (N, 2·ffn): {@code sigmoid = σ(gate)}, {@code silu = gate·σ(gate)},
     * {@code hidden = silu ⊙ up}, each (N, ffn). Training keeps all three for backprop; inference passes one
     * array as all three and computes in place.
     */
    static void swiglu(INDArray gateUp, INDArray sigmoid, INDArray silu, INDArray hidden) {
        long ffn = gateUp.size(1) / 2;
        INDArray gate = columns(gateUp, 0, ffn), up = columns(gateUp, ffn, 2 * ffn);
        Nd4j.exec(new Sigmoid(gate, sigmoid));
        Nd4j.exec(new MulOp(gate, sigmoid, silu));
        Nd4j.exec(new MulOp(silu, up, hidden));
    }

    private static INDArray lastAxis(INDArray x, long from, long to) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    /**
     * Heads {@code first..first+count} of projected rows (B·T, width) as a (B, T, count, head_dim) view.
     */
    static INDArray heads(INDArray projected, int first, int count, long batch, int headDim) {
        INDArray columns = projected.get(NDArrayIndex.all(),
                NDArrayIndex.interval((long) first * headDim, (long) (first + count) * headDim));
        return columns.reshape(batch, projected.size(0) / batch, count, headDim);
    }

    /** Columns {@code from..to} of a matrix, a view. */
    static INDArray columns(INDArray matrix, long from, long to) {
        return matrix.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    /** A gain vector (d) as a (1, d) row that broadcasts over rows. */
    static INDArray asRow(INDArray gain) {
        return gain.reshape(1, gain.length());
    }

    /** inv_freq_j = θ^(-2j/head_dim) for j < head_dim/2 (the rotate-half layout repeats them for the second half). */
    static double[] ropeInverseFrequencies(int headDim, double theta) {
        double[] invFreq = new double[headDim / 2];
        for (int j = 0; j < invFreq.length; j++) {
            invFreq[j] = Math.pow(theta, -2.0 * j / headDim);
        }
        return invFreq;
    }

    /**
     * cos and sin of position · inv_freq for positions 0..length-1, (length, head_dim/2) each; computed in double,
     * then cast, so float tables are correctly rounded.
     */
    record RopeTable(INDArray cos, INDArray sin) {

        static RopeTable of(int headDim, double theta, int length, DataType dataType) {
            double[] invFreq = ropeInverseFrequencies(headDim, theta);
            double[][] cos = new double[length][invFreq.length];
            double[][] sin = new double[length][invFreq.length];
            for (int position = 0; position < length; position++) {
                for (int j = 0; j < invFreq.length; j++) {
                    cos[position][j] = Math.cos(position * invFreq[j]);
                    sin[position][j] = Math.sin(position * invFreq[j]);
                }
            }
            return new RopeTable(Nd4j.createFromArray(cos).castTo(dataType), Nd4j.createFromArray(sin).castTo(dataType));
        }

        /** Positions from..from+count-1, as (1, count, 1, head_dim/2) views that broadcast over batch and heads. */
        INDArray[] range(long from, long count) {
            INDArrayIndex rows = NDArrayIndex.interval(from, from + count);
            return new INDArray[] {
                    cos.get(rows, NDArrayIndex.all()).reshape(1, count, 1, cos.size(1)),
                    sin.get(rows, NDArrayIndex.all()).reshape(1, count, 1, sin.size(1))};
        }
    }
}
