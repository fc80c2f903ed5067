package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.RopeScaling;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Read this file first: one decoder block, forward and backward, the math the model is made of. The whole decoder
 * (Phi-4 report §3, the phi-3-medium shape):
 * <pre>
 *   x      = embedding[tokens]                       (B, T, d_model)   DL4J's EmbeddingSequenceLayer
 *   x      = block(x), nLayers times                 (B, T, d_model)   {@link #forward}, this file
 *   logits = rmsNorm(x) · W_head                     (B, T, vocab)     {@link FinalRmsNorm}, {@link LmHead}
 *
 *   block(x):
 *     h   = x + attention(rmsNorm(x))                causal grouped-query attention, rotate-half RoPE on q and k
 *     out = h + swiglu(rmsNorm(h))                   (silu(a·W_gate) ⊙ a·W_up) · W_down
 * </pre>
 * No biases anywhere; {@code nKvHeads} key/value heads, each shared by {@code nHeads / nKvHeads} query heads.
 *
 * <p>Training and cached generation run this one forward. They differ only in what the new tokens attend to, the
 * {@link Attention} passed in: in training the keys and values are the sequence's own ({@link SelfAttention}, causal
 * or document-masked); in generation they are the sequence's cached past plus the new tokens
 * ({@link DecoderInference}). Tokens are rows, (N, d_model) with N = B·T in (b, t) order; generation feeds its N new
 * tokens as B = N sequences of T = 1, each with its own RoPE angles.
 *
 * <p>Training keeps what {@link #backward} reads ({@link Memory#keep}: DL4J's activations workspace, alive until the
 * end of the step), so nothing is computed twice; otherwise those arrays are scratch. The DL4J plumbing around this
 * (parameter views, JSON, workspaces, the (B, d_model, T) layout DL4J passes between vertices) is
 * {@link DecoderBlock} and {@link DecoderBlockRuntime}. The ops (RMSNorm, RoPE, attention, SwiGLU, forward and
 * backward) follow {@link #backward} at the end of this file.
 */
final class TransformerBlock {

    /** Additive attention bias for masked pairs: exp(-1e9 - max) is exactly 0 in float and double. */
    static final double MASKED = -1e9;

    /**
     * Query positions per block of causal attention, in training and in prompt processing: the (queries, keys)
     * arrays of a block are 256·L per head instead of L². On `bench train` at 1,024 tokens (2 cores) blocks of 256
     * trained 10% faster than one block of 1,024 and 17% faster than blocks of 128 (bigger GEMMs, fewer calls).
     */
    static final int QUERY_BLOCK = 256;

    /**
     * A workspace reused cycle after cycle: it learns its size from the first, grows when a later one needs more,
     * and frees nothing in between.
     */
    static final WorkspaceConfiguration CYCLIC_WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();

    private static final MMulTranspose PLAIN = MMulTranspose.allFalse();
    private static final MMulTranspose B_TRANSPOSED = MMulTranspose.builder().transposeB(true).build();

    private final ModelConfig c;

    /**
     * A block's weights (or their gradients) as views of the network's parameters (gradients); q|k|v and gate|up are
     * each one matrix, so one GEMM apiece.
     */
    record Weights(INDArray qkv,              // (d_model, (nHeads + 2·nKvHeads)·head_dim)
                   INDArray wo,               // (nHeads·head_dim, d_model)
                   INDArray gateUp,           // (d_model, 2·ffn)
                   INDArray wDown,            // (ffn, d_model)
                   INDArray attentionNorm,    // (d_model)
                   INDArray mlpNorm) {}       // (d_model)

    /** RoPE angles of the new tokens: cos and sin, (1 or B, T, 1, head_dim/2) each. */
    record Angles(INDArray cos, INDArray sin) {}

    /** What the new tokens attend to. */
    interface Attention {
        /**
         * y = softmax(q·kᵀ/√head_dim + mask)·v, per query head, with the new tokens' q (B, H, T, head_dim), k and
         * v (B, kv, T, head_dim), after RoPE for q and k; returns y as rows (N, H·head_dim).
         */
        INDArray attend(INDArray q, INDArray k, INDArray v, Memory memory);
    }

    /** Where an array goes: a DL4J workspace or the current (scratch) one. */
    interface Allocator {
        Allocator SCRATCH = (type, shape) -> Nd4j.createUninitialized(type, shape, 'c');

        INDArray create(DataType type, long... shape);
    }

    /** Where the forward puts the arrays backward reads ({@code kept}), and the block's output. */
    record Memory(Allocator kept, Allocator output) {
        static final Memory SCRATCH = new Memory(Allocator.SCRATCH, Allocator.SCRATCH);

        INDArray keep(DataType type, long... shape) {
            return kept.create(type, shape);
        }
    }

    /** The forward's arrays: {@link #out} is the block's output, the rest is what backward reads. */
    record Activations(
            long batch, int length, Angles angles,
            INDArray invRms1, INDArray normed1, INDArray a1,      // attention norm: (N, 1), x̂ (N, d), x̂·gain (N, d)
            INDArray qkv,                                         // (N, (H + 2·kv)·hd), v is read from here
            INDArray q, INDArray k,                               // after RoPE: (B, H, T, hd), (B, kv, T, hd)
            INDArray y,                                           // attention output before W_o: (N, H·hd)
            INDArray invRms2, INDArray normed2, INDArray a2,      // MLP norm
            INDArray gateUp, INDArray sigmoid, INDArray silu,     // (N, 2·ffn), σ(gate), gate·σ(gate) (N, ffn)
            INDArray hidden,                                      // silu ⊙ up (N, ffn)
            INDArray out) {}                                      // (N, d)

    TransformerBlock(ModelConfig config) {
        this.c = config;
    }

    /** One block on x: B sequences of T new tokens, as rows (B·T, d_model). */
    Activations forward(INDArray x, long batch, Weights w, Angles angles, Attention attention, Memory memory) {
        int d = c.dModel(), nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), ffn = c.ffnHidden();
        DataType type = x.dataType();
        long n = x.size(0);
        int t = (int) (n / batch);

        // Attention: h = x + attention(rmsNorm(x))·W_o.
        INDArray invRms1 = memory.keep(type, n, 1), normed1 = memory.keep(type, n, d), a1 = memory.keep(type, n, d);
        rmsNorm(x, w.attentionNorm(), c.normEps(), invRms1, normed1, a1);                     // (N, d)
        INDArray qkv = memory.keep(type, n, w.qkv().size(1));
        Nd4j.gemm(a1, w.qkv(), qkv, false, false, 1.0, 0.0);                                  // (N, (H + 2·kv)·hd)
        INDArray q = memory.keep(type, batch, nHeads, t, hd);
        INDArray k = memory.keep(type, batch, nKv, t, hd);
        rope(heads(qkv, 0, nHeads, batch, hd), angles, q.permute(0, 2, 1, 3), false);         // (B, H, T, hd)
        rope(heads(qkv, nHeads, nKv, batch, hd), angles, k.permute(0, 2, 1, 3), false);       // (B, kv, T, hd)
        INDArray v = heads(qkv, nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3);            // (B, kv, T, hd)
        INDArray y = attention.attend(q, k, v, memory);                                       // (N, H·hd)
        INDArray h = memory.keep(type, n, d).assign(x);
        Nd4j.gemm(y, w.wo(), h, false, false, 1.0, 1.0);                                      // h = x + y·W_o (N, d)

        // MLP: out = h + swiglu(rmsNorm(h))·W_down.
        INDArray invRms2 = memory.keep(type, n, 1), normed2 = memory.keep(type, n, d), a2 = memory.keep(type, n, d);
        rmsNorm(h, w.mlpNorm(), c.normEps(), invRms2, normed2, a2);                           // (N, d)
        INDArray gateUp = memory.keep(type, n, 2L * ffn);
        Nd4j.gemm(a2, w.gateUp(), gateUp, false, false, 1.0, 0.0);                            // (N, 2·ffn)
        INDArray sigmoid = memory.keep(type, n, ffn), silu = memory.keep(type, n, ffn);
        INDArray hidden = memory.keep(type, n, ffn);
        swiglu(gateUp, sigmoid, silu, hidden);                                                // (N, ffn)
        INDArray out = memory.output().create(type, n, d).assign(h);
        Nd4j.gemm(hidden, w.wDown(), out, false, false, 1.0, 1.0);                            // out = h + hidden·W_down

        return new Activations(batch, t, angles, invRms1, normed1, a1, qkv, q, k, y, invRms2, normed2, a2, gateUp,
                sigmoid, silu, hidden, out);
    }

    /**
     * Backward of a training {@link #forward} whose keys were its own ({@code attention}): writes the weights'
     * gradients into {@code gradients} and returns dL/dx (N, d_model), allocated by {@code dxMemory}.
     */
    INDArray backward(Activations s, SelfAttention attention, INDArray dOut, Weights w, Weights gradients,
                      Allocator dxMemory) {
        int d = c.dModel(), nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), ffn = c.ffnHidden();
        int t = s.length();
        long batch = s.batch();
        DataType type = s.normed1().dataType();
        long n = dOut.size(0);                                                                 // dOut (N, d)

        // MLP: out = h + hidden·W_down, hidden = silu(gate) ⊙ up.
        Nd4j.gemm(s.hidden(), dOut, gradients.wDown(), true, false, 1.0, 0.0);
        INDArray dHidden = Nd4j.createUninitialized(type, n, ffn);
        Nd4j.gemm(dOut, w.wDown(), dHidden, false, true, 1.0, 0.0);                            // (N, ffn)
        INDArray dGateUp = Nd4j.createUninitialized(type, n, 2L * ffn);
        INDArray gate = columns(s.gateUp(), 0, ffn), up = columns(s.gateUp(), ffn, 2L * ffn);
        Nd4j.exec(new MulOp(dHidden, s.silu(), columns(dGateUp, ffn, 2L * ffn)));              // d up
        dHidden.muli(up);                                                                      // d silu
        // d silu / d gate = σ(g)·(1 + g·(1 − σ(g)))
        INDArray siluSlope = Nd4j.createUninitialized(type, n, ffn);
        Nd4j.exec(new ScalarReverseSubtraction(s.sigmoid(), siluSlope, 1.0));
        siluSlope.muli(gate).addi(1.0).muli(s.sigmoid());
        Nd4j.exec(new MulOp(dHidden, siluSlope, columns(dGateUp, 0, ffn)));                    // d gate
        Nd4j.gemm(s.a2(), dGateUp, gradients.gateUp(), true, false, 1.0, 0.0);
        INDArray da2 = Nd4j.createUninitialized(type, n, d);
        Nd4j.gemm(dGateUp, w.gateUp(), da2, false, true, 1.0, 0.0);
        INDArray dh = Nd4j.createUninitialized(type, n, d);
        rmsNormBackward(da2, s.normed2(), s.invRms2(), w.mlpNorm(), gradients.mlpNorm(), dh);
        dh.addi(dOut);                                                                         // (N, d)

        // Attention: h = x + y·W_o.
        Nd4j.gemm(s.y(), dh, gradients.wo(), true, false, 1.0, 0.0);
        INDArray dy = Nd4j.createUninitialized(type, n, (long) nHeads * hd);
        Nd4j.gemm(dh, w.wo(), dy, false, true, 1.0, 0.0);                                      // (N, H·hd)
        SelfAttention.Gradients dAttention = attention.backward(dy, s);                        // dq, dk, dv
        INDArray dQkv = Nd4j.createUninitialized(type, n, w.qkv().size(1));
        rope(dAttention.dq().permute(0, 2, 1, 3), s.angles(), heads(dQkv, 0, nHeads, batch, hd), true);
        rope(dAttention.dk().permute(0, 2, 1, 3), s.angles(), heads(dQkv, nHeads, nKv, batch, hd), true);
        heads(dQkv, nHeads + nKv, nKv, batch, hd).assign(dAttention.dv().permute(0, 2, 1, 3));
        Nd4j.gemm(s.a1(), dQkv, gradients.qkv(), true, false, 1.0, 0.0);
        INDArray da1 = Nd4j.createUninitialized(type, n, d);
        Nd4j.gemm(dQkv, w.qkv(), da1, false, true, 1.0, 0.0);
        INDArray dx = dxMemory.create(type, n, d);
        rmsNormBackward(da1, s.normed1(), s.invRms1(), w.attentionNorm(), gradients.attentionNorm(), dx);
        dx.addi(dh);                                                                           // (N, d)
        return dx;
    }

    // The ops, forward and backward. Callers pass the output arrays, so that the memory (a DL4J workspace or
    // plain memory) is theirs to choose; scratch arrays come from the current workspace.

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
    static void rope(INDArray x, Angles angles, INDArray out, boolean inverse) {
        INDArray cos = angles.cos(), sin = angles.sin();
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
     * Writes probabilities and attended. Only decoding uses it now (one query per slot, keys masked per slot);
     * training and prompt processing go through {@link #causalProbabilities}, block by block.
     */
    static void attention(INDArray q, INDArray k, INDArray v, double scale, INDArray mask, long[] maskedShape,
                          INDArray probabilities, INDArray attended) {
        Nd4j.exec(new Mmul(q, k, probabilities, scale, 0.0, B_TRANSPOSED));
        probabilities.reshape(maskedShape).addi(mask);
        Nd4j.exec(new SoftMax(probabilities, probabilities, probabilities.rank() - 1));
        Nd4j.exec(new Mmul(probabilities, v, attended, 1.0, 0.0, PLAIN));
    }

    /**
     * Causal attention probabilities of a block of n consecutive query positions against keys 0..L−1, the last n of
     * which are the queries' own positions: {@code softmax(q·kᵀ·scale + mask)} over the last axis, the (n, n)
     * {@link CausalMasks causal mask} on the last n columns (every earlier key is visible, so no mask wider than the
     * block is ever built) plus {@code extraMask}, if not null, on the probabilities seen as (…, group, n, L).
     * q (…, group·n, head_dim) stacks the group query heads of one kv head; keys (…, L, head_dim) share q's leading
     * axes. Returns the probabilities (…, group·n, L); blocks of queries are how attention over a
     * long context keeps its (queries, keys) arrays at n·L instead of L² per head.
     */
    static INDArray causalProbabilities(INDArray q, Prefix keys, double scale, int group, INDArray extraMask) {
        int rank = q.rank();
        long queries = q.size(rank - 2) / group, length = keys.count();
        long[] shape = q.shape().clone();
        shape[rank - 1] = length;
        INDArray probabilities = Nd4j.createUninitialized(q.dataType(), shape);                // (…, group·n, L)
        gemmPerMatrix(Prefix.of(q), keys, Prefix.of(probabilities), false, true, scale, 0.0);
        long[] byQuery = new long[rank + 1];
        System.arraycopy(shape, 0, byQuery, 0, rank - 2);
        byQuery[rank - 2] = group;
        byQuery[rank - 1] = queries;
        byQuery[rank] = length;
        INDArray grouped = probabilities.reshape(byQuery);                                     // (…, group, n, L)
        INDArrayIndex[] ownPositions = new INDArrayIndex[rank + 1];
        Arrays.fill(ownPositions, NDArrayIndex.all());
        ownPositions[rank] = NDArrayIndex.interval(length - queries, length);
        grouped.get(ownPositions).addi(CausalMasks.SHARED.get((int) queries, q.dataType()));
        if (extraMask != null) {
            grouped.addi(extraMask);
        }
        Nd4j.exec(new SoftMax(probabilities, probabilities, rank - 1));
        return probabilities;
    }

    /**
     * Positions 0..count-1 of every matrix of x (…, positions, width), x not a view: what a per-matrix GEMM reads or
     * writes. Kept as the array and a count because ND4J's get() on a view of positions came back empty.
     */
    record Prefix(INDArray x, long count) {

        static Prefix of(INDArray x) {
            return new Prefix(x, x.size(x.rank() - 2));
        }

        private INDArray matrix(INDArrayIndex[] leading) {
            INDArrayIndex[] at = Arrays.copyOf(leading, leading.length + 2);
            at[leading.length] = NDArrayIndex.interval(0, count);
            at[leading.length + 1] = NDArrayIndex.all();
            return x.get(at);
        }
    }

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c} for each matrix of a, b and c, which share their leading axes; c's
     * writes land in its array. One GEMM per matrix: ND4J's batched matmul on position prefixes (batch strides other
     * than the matrices' size) ran 3× slower on two threads than on one, while per-matrix GEMMs keep both busy and
     * beat the batched op on whole arrays too.
     */
    static void gemmPerMatrix(Prefix a, Prefix b, Prefix c, boolean transposeA, boolean transposeB, double alpha,
                              double beta) {
        long[] shape = c.x().shape();
        int leading = shape.length - 2;
        long count = 1;
        for (int axis = 0; axis < leading; axis++) {
            count *= shape[axis];
        }
        INDArrayIndex[] at = new INDArrayIndex[leading];
        for (long matrix = 0; matrix < count; matrix++) {
            long rest = matrix;
            for (int axis = leading - 1; axis >= 0; axis--) {
                at[axis] = NDArrayIndex.point(rest % shape[axis]);
                rest /= shape[axis];
            }
            Nd4j.gemm(a.matrix(at), b.matrix(at), c.matrix(at), transposeA, transposeB, alpha, beta);
        }
    }

    /**
     * Where one query block's arrays go: a workspace that the next block reuses, so that blocks do not add up in
     * DL4J's step workspace or in a generation call's. Whatever outlives the block must be written into arrays
     * allocated outside it.
     */
    static MemoryWorkspace queryBlockWorkspace() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CYCLIC_WORKSPACE, "phi4j-attention-query-block");
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

    /**
     * cos and sin of position · inv_freq for positions 0..length-1, (length, head_dim/2) each, times the RoPE
     * scaling's attention factor (1 unless yarn); computed in double, then cast, so float tables are correctly
     * rounded. inv_freq_j = θ^(-2j/head_dim) for j < head_dim/2, stretched by the model's {@link RopeScaling} (the
     * rotate-half layout repeats them for the second half).
     */
    record RopeTable(INDArray cos, INDArray sin) {

        /** The table of {@code model}'s RoPE over its whole context. */
        static RopeTable of(ModelConfig model, DataType dataType) {
            RopeScaling scaling = model.ropeScaling();
            return of(scaling.inverseFrequencies(model.headDim(), model.ropeTheta(), model.contextLength()),
                    scaling.attentionScale(), model.contextLength(), dataType);
        }

        /** Plain RoPE with base θ, as pretraining uses it. */
        static RopeTable of(int headDim, double theta, int length, DataType dataType) {
            return of(RopeScaling.NONE.inverseFrequencies(headDim, theta, length), 1, length, dataType);
        }

        private static RopeTable of(double[] invFreq, double scale, int length, DataType dataType) {
            double[][] cos = new double[length][invFreq.length];
            double[][] sin = new double[length][invFreq.length];
            for (int position = 0; position < length; position++) {
                for (int j = 0; j < invFreq.length; j++) {
                    cos[position][j] = scale * Math.cos(position * invFreq[j]);
                    sin[position][j] = scale * Math.sin(position * invFreq[j]);
                }
            }
            return new RopeTable(Nd4j.createFromArray(cos).castTo(dataType), Nd4j.createFromArray(sin).castTo(dataType));
        }

        /** Positions from..from+count-1, as (1, count, 1, head_dim/2) views that broadcast over batch and heads. */
        Angles range(long from, long count) {
            INDArrayIndex rows = NDArrayIndex.interval(from, from + count);
            return new Angles(
                    cos.get(rows, NDArrayIndex.all()).reshape(1, count, 1, cos.size(1)),
                    sin.get(rows, NDArrayIndex.all()).reshape(1, count, 1, sin.size(1)));
        }
    }
}
