package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static dev.phi4j.trainer.model.BlockMath.columns;
import static dev.phi4j.trainer.model.BlockMath.heads;

/**
 * One pre-norm block, forward and backward written out in ND4J:
 * <pre>
 *   h   = x + attention(rmsNorm(x))          causal grouped-query attention, rotate-half RoPE
 *   out = h + swiglu(rmsNorm(h))             (silu(a·W_gate) ⊙ a·W_up) · W_down
 * </pre>
 * Training keeps what backprop needs from the forward pass (in DL4J's activations workspace, which lives until the
 * end of the step), so nothing is computed twice; inference keeps nothing. Rows are (B·T, d_model) in (b, t) order.
 *
 * <p>Attention for grouped queries: query head h uses kv head h / group. The query heads of one kv head are stacked
 * along time, (B, nKvHeads, group·T, head_dim), so one batched matmul serves them all without copying k and v once
 * per query head.
 */
final class DecoderBlockRuntime extends ParameterizedVertexRuntime {

    private static final MMulTranspose PLAIN = MMulTranspose.allFalse();
    private static final MMulTranspose B_TRANSPOSED = MMulTranspose.builder().transposeB(true).build();
    private static final MMulTranspose A_TRANSPOSED = MMulTranspose.builder().transposeA(true).build();

    private final ModelConfig c;
    private final PhiDecoder.Masking masking;
    private final double scale;
    private final BlockMath.RopeTable rope;
    private final INDArray causalMask;                    // (T, T)
    private final BlockWeights weights;
    private INDArray qkvGradient;                         // (d_model, (H + 2·kv)·head_dim), the three in one
    private INDArray gateUpGradient;                      // (d_model, 2·ffn_hidden)
    private Saved saved;

    /** The block's weights as views of the network's parameters; q|k|v and gate|up joined. */
    record BlockWeights(INDArray qkv, INDArray wo, INDArray gateUp, INDArray wDown, INDArray attentionNorm,
                        INDArray mlpNorm) {}

    /** What backprop needs from the forward pass. */
    private record Saved(
            long batch, int length, Layout layout,
            INDArray invRms1, INDArray normed1, INDArray a1,      // attention norm: (N, 1), x̂ (N, d), x̂·gain (N, d)
            INDArray qkv,                                         // (N, (H + 2·kv)·head_dim), v is read from here
            INDArray q, INDArray k,                               // after RoPE: (B, H, T, hd), (B, kv, T, hd)
            INDArray probabilities,                               // (B, kv, group·T, T)
            INDArray y,                                           // attention output before wo: (N, H·hd)
            INDArray invRms2, INDArray normed2, INDArray a2,      // MLP norm
            INDArray gateUp, INDArray sigmoid, INDArray silu,     // (N, 2·ffn), σ(gate), gate·σ(gate) (N, ffn)
            INDArray hidden) {}                                   // silu ⊙ up (N, ffn)

    /** Who attends to whom (an additive mask) and the RoPE angles of every row. */
    private record Layout(INDArray mask, INDArray cos, INDArray sin) {}

    DecoderBlockRuntime(DecoderBlock config, ComputationGraph graph, String name, int vertexIndex, INDArray paramsView,
                        boolean initializeParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initializeParams, dataType);
        this.c = config.getModel();
        this.masking = config.getMasking();
        this.scale = 1.0 / Math.sqrt(c.headDim());
        this.rope = BlockMath.RopeTable.of(c.headDim(), c.ropeTheta(), c.contextLength(), dataType);
        this.causalMask = BlockMath.causalMask(c.contextLength(), dataType);
        this.weights = new BlockWeights(
                config.joinedColumns(paramsView, DecoderBlock.WQ, DecoderBlock.WV), param(DecoderBlock.WO),
                config.joinedColumns(paramsView, DecoderBlock.W_GATE, DecoderBlock.W_UP), param(DecoderBlock.W_DOWN),
                param(DecoderBlock.ATTENTION_NORM), param(DecoderBlock.MLP_NORM));
    }

    @Override
    void onGradientsView(INDArray flatGradients) {
        DecoderBlock config = (DecoderBlock) getConfig();
        qkvGradient = config.joinedColumns(flatGradients, DecoderBlock.WQ, DecoderBlock.WV);
        gateUpGradient = config.joinedColumns(flatGradients, DecoderBlock.W_GATE, DecoderBlock.W_UP);
    }

    BlockWeights weights() {
        return weights;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray input = inputs[0];                                                          // (B, d_model, T)
        long batch = input.size(0);
        int t = (int) input.size(2);
        if (t != c.contextLength()) {
            throw new IllegalArgumentException(getVertexName() + ": sequences must be contextLength ("
                    + c.contextLength() + ") long, got " + t + "; pad them and mask the padding out of the loss");
        }
        Memory keep = training ? Memory.saved(workspaceMgr) : Memory.SCRATCH;
        int d = c.dModel(), nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), group = nHeads / nKv;
        int ffn = c.ffnHidden();
        DataType type = input.dataType();
        INDArray x = rows(input);                                                            // (N, d)
        long n = x.size(0);
        Layout layout = masking == PhiDecoder.Masking.CAUSAL ? causalLayout(t) : documentLayout(inputs[1], keep);

        // Attention.
        INDArray invRms1 = keep.create(type, n, 1), normed1 = keep.create(type, n, d), a1 = keep.create(type, n, d);
        BlockMath.rmsNorm(x, weights.attentionNorm(), c.normEps(), invRms1, normed1, a1);
        INDArray qkv = keep.create(type, n, weights.qkv().size(1));
        Nd4j.gemm(a1, weights.qkv(), qkv, false, false, 1.0, 0.0);                           // (N, (H+2kv)·hd)
        INDArray q = keep.create(type, batch, nHeads, t, hd);
        INDArray k = keep.create(type, batch, nKv, t, hd);
        BlockMath.rope(heads(qkv, 0, nHeads, batch, hd), layout.cos(), layout.sin(), q.permute(0, 2, 1, 3), false);
        BlockMath.rope(heads(qkv, nHeads, nKv, batch, hd), layout.cos(), layout.sin(), k.permute(0, 2, 1, 3), false);
        INDArray v = heads(qkv, nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3);           // (B, kv, T, hd)

        INDArray probabilities = keep.create(type, batch, nKv, (long) group * t, t);
        INDArray attended = Nd4j.createUninitialized(type, batch, nKv, (long) group * t, hd);
        BlockMath.attention(q.reshape(batch, nKv, (long) group * t, hd), k, v, scale, layout.mask(),
                new long[] {batch, nHeads, t, t}, probabilities, attended);                 // mask on (B, H, T, T)
        INDArray y = keep.create(type, n, (long) nHeads * hd);
        y.reshape(batch, t, nHeads, hd).permute(0, 2, 1, 3).assign(attended.reshape(batch, nHeads, t, hd));
        INDArray h = keep.create(type, n, d).assign(x);
        Nd4j.gemm(y, weights.wo(), h, false, false, 1.0, 1.0);                               // h = x + y·W_o

        // MLP.
        INDArray invRms2 = keep.create(type, n, 1), normed2 = keep.create(type, n, d), a2 = keep.create(type, n, d);
        BlockMath.rmsNorm(h, weights.mlpNorm(), c.normEps(), invRms2, normed2, a2);
        INDArray gateUp = keep.create(type, n, 2L * ffn);
        Nd4j.gemm(a2, weights.gateUp(), gateUp, false, false, 1.0, 0.0);                     // (N, 2·ffn)
        INDArray sigmoid = keep.create(type, n, ffn), silu = keep.create(type, n, ffn);
        INDArray hidden = keep.create(type, n, ffn);
        BlockMath.swiglu(gateUp, sigmoid, silu, hidden);                                     // (N, ffn)
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, new long[] {n, d}, 'c');
        out.assign(h);
        Nd4j.gemm(hidden, weights.wDown(), out, false, false, 1.0, 1.0);                     // out = h + hidden·W_down

        saved = training ? new Saved(batch, t, layout, invRms1, normed1, a1, qkv, q, k, probabilities, y,
                invRms2, normed2, a2, gateUp, sigmoid, silu, hidden) : null;
        return channelsFirst(out, batch);                                                    // (B, d_model, T)
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Saved s = saved;
        if (s == null) {
            throw new IllegalStateException(getVertexName() + ": backprop without a training forward pass");
        }
        saved = null;
        int d = c.dModel(), nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), group = nHeads / nKv;
        int ffn = c.ffnHidden(), t = s.length();
        long batch = s.batch();
        DataType type = s.normed1().dataType();
        INDArray dOut = rows(epsilon);                                                       // (N, d)
        long n = dOut.size(0);

        // MLP: out = h + hidden·W_down, hidden = silu(gate) ⊙ up.
        Nd4j.gemm(s.hidden(), dOut, gradient(DecoderBlock.W_DOWN), true, false, 1.0, 0.0);
        INDArray dHidden = Nd4j.createUninitialized(type, n, ffn);
        Nd4j.gemm(dOut, weights.wDown(), dHidden, false, true, 1.0, 0.0);                    // (N, ffn)
        INDArray dGateUp = Nd4j.createUninitialized(type, n, 2L * ffn);
        INDArray gate = columns(s.gateUp(), 0, ffn), up = columns(s.gateUp(), ffn, 2L * ffn);
        Nd4j.exec(new MulOp(dHidden, s.silu(), columns(dGateUp, ffn, 2L * ffn)));            // d up
        dHidden.muli(up);                                                                    // d silu
        // d silu / d gate = σ(g)·(1 + g·(1 − σ(g)))
        INDArray siluSlope = Nd4j.createUninitialized(type, n, ffn);
        Nd4j.exec(new ScalarReverseSubtraction(s.sigmoid(), siluSlope, 1.0));
        siluSlope.muli(gate).addi(1.0).muli(s.sigmoid());
        Nd4j.exec(new MulOp(dHidden, siluSlope, columns(dGateUp, 0, ffn)));                  // d gate
        Nd4j.gemm(s.a2(), dGateUp, gateUpGradient, true, false, 1.0, 0.0);
        INDArray da2 = Nd4j.createUninitialized(type, n, d);
        Nd4j.gemm(dGateUp, weights.gateUp(), da2, false, true, 1.0, 0.0);
        INDArray dh = Nd4j.createUninitialized(type, n, d);
        BlockMath.rmsNormBackward(da2, s.normed2(), s.invRms2(), weights.mlpNorm(), gradient(DecoderBlock.MLP_NORM),
                dh);
        dh.addi(dOut);                                                                       // (N, d)

        // Attention: h = x + y·W_o, y = softmax(q·kᵀ·scale + mask)·v.
        Nd4j.gemm(s.y(), dh, gradient(DecoderBlock.WO), true, false, 1.0, 0.0);
        INDArray dy = Nd4j.createUninitialized(type, n, (long) nHeads * hd);
        Nd4j.gemm(dh, weights.wo(), dy, false, true, 1.0, 0.0);                              // (N, H·hd)
        INDArray dAttended = dy.reshape(batch, t, nHeads, hd).permute(0, 2, 1, 3)
                .reshape(batch, nKv, (long) group * t, hd);                                  // copies when group > 1
        INDArray v = heads(s.qkv(), nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3);
        INDArray dScores = Nd4j.createUninitialized(type, batch, nKv, (long) group * t, t);
        Nd4j.exec(new Mmul(dAttended, v, dScores, 1.0, 0.0, B_TRANSPOSED));                  // dL/dprobabilities
        INDArray dv = Nd4j.createUninitialized(type, batch, nKv, t, hd);
        Nd4j.exec(new Mmul(s.probabilities(), dAttended, dv, 1.0, 0.0, A_TRANSPOSED));
        softmaxBackward(s, dy, dScores);                                                     // now dL/dscores
        INDArray dq = Nd4j.createUninitialized(type, batch, nKv, (long) group * t, hd);
        Nd4j.exec(new Mmul(dScores, s.k(), dq, scale, 0.0, PLAIN));
        INDArray dk = Nd4j.createUninitialized(type, batch, nKv, t, hd);
        Nd4j.exec(new Mmul(dScores, s.q().reshape(batch, nKv, (long) group * t, hd), dk, scale, 0.0, A_TRANSPOSED));
        INDArray dQkv = Nd4j.createUninitialized(type, n, weights.qkv().size(1));
        Layout layout = s.layout();
        BlockMath.rope(dq.reshape(batch, nHeads, t, hd).permute(0, 2, 1, 3), layout.cos(), layout.sin(),
                heads(dQkv, 0, nHeads, batch, hd), true);
        BlockMath.rope(dk.permute(0, 2, 1, 3), layout.cos(), layout.sin(), heads(dQkv, nHeads, nKv, batch, hd), true);
        heads(dQkv, nHeads + nKv, nKv, batch, hd).assign(dv.permute(0, 2, 1, 3));
        Nd4j.gemm(s.a1(), dQkv, qkvGradient, true, false, 1.0, 0.0);
        INDArray da1 = Nd4j.createUninitialized(type, n, d);
        Nd4j.gemm(dQkv, weights.qkv(), da1, false, true, 1.0, 0.0);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[] {n, d}, 'c');
        BlockMath.rmsNormBackward(da1, s.normed1(), s.invRms1(), weights.attentionNorm(),
                gradient(DecoderBlock.ATTENTION_NORM), dx);
        dx.addi(dh);                                                                         // (N, d)

        Gradient gradient = new DefaultGradient();
        for (String name : paramTable(false).keySet()) {
            INDArray view = gradient(name);
            gradient.setGradientFor(name, view, view.rank() == 2 ? 'f' : 'c');
        }
        // Segment ids only feed comparisons: no gradient (DL4J accepts null for an input vertex).
        INDArray[] inputGradients = masking == PhiDecoder.Masking.DOCUMENTS
                ? new INDArray[] {channelsFirst(dx, batch), null} : new INDArray[] {channelsFirst(dx, batch)};
        return new Pair<>(gradient, inputGradients);
    }

    /**
     * dscores = p ⊙ (dp − Σ_j dp_j p_j), in place of dp. The row sums equal dy · y per head (dp = dy·vᵀ and
     * y = p·v), which is far cheaper than reducing the (T, T) product.
     */
    private void softmaxBackward(Saved s, INDArray dy, INDArray dProbabilities) {
        long batch = s.batch();
        int t = s.length(), nHeads = c.nHeads(), hd = c.headDim();
        INDArray rowSums = dy.mul(s.y()).reshape(batch, t, nHeads, hd).sum(3)              // (B, T, H)
                .permute(0, 2, 1).dup('c')
                .reshape(batch, c.nKvHeads(), (long) (nHeads / c.nKvHeads()) * t, 1);       // (B, kv, group·T, 1)
        dProbabilities.subi(rowSums);
        dProbabilities.muli(s.probabilities());
    }

    private Layout causalLayout(int t) {
        INDArray[] cosSin = rope.range(0, t);
        return new Layout(causalMask, cosSin[0], cosSin[1]);
    }

    /**
     * Document masking from segment ids (B, T): token i sees token j iff j ≤ i and both carry the same id; RoPE
     * positions count the earlier tokens of the same document, so they restart at 0 with each document.
     * Built here because the (B, T, T) mask is T times larger than the ids it comes from.
     */
    private Layout documentLayout(INDArray segmentIds, Memory keep) {
        long batch = segmentIds.size(0);
        int t = (int) segmentIds.size(1);
        DataType type = rope.cos().dataType();
        int[] positions = documentPositions(segmentIds.toDoubleMatrix());
        long half = rope.cos().size(1);
        INDArray cos = keep.create(type, batch * t, half), sin = keep.create(type, batch * t, half);
        Nd4j.pullRows(rope.cos(), cos, 1, positions);
        Nd4j.pullRows(rope.sin(), sin, 1, positions);

        INDArray column = segmentIds.castTo(type).reshape(batch, t, 1);
        INDArray mask = keep.create(type, batch, 1, t, t);
        INDArray otherDocument = mask.reshape(batch, t, t);
        Nd4j.exec(new SubOp(column, column.reshape(batch, 1, t), otherDocument));          // id_i − id_j
        Nd4j.exec(new Step(otherDocument.muli(otherDocument), otherDocument, 0.0));          // 1 where ids differ
        otherDocument.muli(BlockMath.MASKED).addi(causalMask);                               // (B, T, T)
        return new Layout(mask, cos.reshape(batch, t, 1, half), sin.reshape(batch, t, 1, half));
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

    /** Where the forward pass puts an array: saved for backprop, or scratch in the current workspace. */
    private interface Memory {

        Memory SCRATCH = (type, shape) -> Nd4j.createUninitialized(type, shape, 'c');

        INDArray create(DataType type, long... shape);

        static Memory saved(LayerWorkspaceMgr workspaceMgr) {
            return (type, shape) -> workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, shape, 'c');
        }
    }

    @Override
    public void clear() {
        super.clear();
        saved = null;
    }
}
