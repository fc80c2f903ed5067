package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

import static dev.phi4j.trainer.model.BlockMath.columns;
import static dev.phi4j.trainer.model.BlockMath.heads;

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
 * <p>Training keeps what {@link #backward} reads ({@link Memory#kept}: DL4J's activations workspace, alive until the
 * end of the step), so nothing is computed twice; otherwise those arrays are scratch. The DL4J plumbing around this
 * (parameter views, JSON, workspaces, the (B, d_model, T) layout DL4J passes between vertices) is
 * {@link DecoderBlock} and {@link DecoderBlockRuntime}; the ops themselves are {@link BlockMath}.
 */
final class TransformerBlock {

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

    /** Where the forward puts the arrays backward reads, and where it puts the block's output. */
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

    /** One block on x, B sequences of T new tokens as rows (B·T, d_model). */
    Activations forward(INDArray x, long batch, Weights w, Angles rope, Attention attention, Memory memory) {
        int d = c.dModel(), nHeads = c.nHeads(), nKv = c.nKvHeads(), hd = c.headDim(), ffn = c.ffnHidden();
        DataType type = x.dataType();
        long n = x.size(0);
        int t = (int) (n / batch);

        // Attention.
        INDArray invRms1 = memory.keep(type, n, 1), normed1 = memory.keep(type, n, d), a1 = memory.keep(type, n, d);
        BlockMath.rmsNorm(x, w.attentionNorm(), c.normEps(), invRms1, normed1, a1);             // (N, d)
        INDArray qkv = memory.keep(type, n, w.qkv().size(1));
        Nd4j.gemm(a1, w.qkv(), qkv, false, false, 1.0, 0.0);                                   // (N, (H + 2·kv)·hd)
        INDArray q = memory.keep(type, batch, nHeads, t, hd);
        INDArray k = memory.keep(type, batch, nKv, t, hd);
        BlockMath.rope(heads(qkv, 0, nHeads, batch, hd), rope.cos(), rope.sin(), q.permute(0, 2, 1, 3), false);
        BlockMath.rope(heads(qkv, nHeads, nKv, batch, hd), rope.cos(), rope.sin(), k.permute(0, 2, 1, 3), false);
        INDArray v = heads(qkv, nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3);             // (B, kv, T, hd)
        INDArray y = attention.attend(q, k, v, memory);                                        // (N, H·hd)
        INDArray h = memory.keep(type, n, d).assign(x);
        Nd4j.gemm(y, w.wo(), h, false, false, 1.0, 1.0);                                       // h = x + y·W_o (N, d)

        // MLP.
        INDArray invRms2 = memory.keep(type, n, 1), normed2 = memory.keep(type, n, d), a2 = memory.keep(type, n, d);
        BlockMath.rmsNorm(h, w.mlpNorm(), c.normEps(), invRms2, normed2, a2);                   // (N, d)
        INDArray gateUp = memory.keep(type, n, 2L * ffn);
        Nd4j.gemm(a2, w.gateUp(), gateUp, false, false, 1.0, 0.0);                             // (N, 2·ffn)
        INDArray sigmoid = memory.keep(type, n, ffn), silu = memory.keep(type, n, ffn);
        INDArray hidden = memory.keep(type, n, ffn);
        BlockMath.swiglu(gateUp, sigmoid, silu, hidden);                                       // (N, ffn)
        INDArray out = memory.output().create(type, n, d).assign(h);
        Nd4j.gemm(hidden, w.wDown(), out, false, false, 1.0, 1.0);                             // out = h + hidden·W_down

        return new Activations(batch, t, rope, invRms1, normed1, a1, qkv, q, k, y, invRms2, normed2, a2, gateUp,
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
        BlockMath.rmsNormBackward(da2, s.normed2(), s.invRms2(), w.mlpNorm(), gradients.mlpNorm(), dh);
        dh.addi(dOut);                                                                         // (N, d)

        // Attention: h = x + y·W_o.
        Nd4j.gemm(s.y(), dh, gradients.wo(), true, false, 1.0, 0.0);
        INDArray dy = Nd4j.createUninitialized(type, n, (long) nHeads * hd);
        Nd4j.gemm(dh, w.wo(), dy, false, true, 1.0, 0.0);                                      // (N, H·hd)
        SelfAttention.Gradients dAttention = attention.backward(dy, s);                         // dq, dk, dv
        INDArray dQkv = Nd4j.createUninitialized(type, n, w.qkv().size(1));
        Angles rope = s.angles();
        BlockMath.rope(dAttention.dq().permute(0, 2, 1, 3), rope.cos(), rope.sin(), heads(dQkv, 0, nHeads, batch, hd),
                true);
        BlockMath.rope(dAttention.dk().permute(0, 2, 1, 3), rope.cos(), rope.sin(),
                heads(dQkv, nHeads, nKv, batch, hd), true);
        heads(dQkv, nHeads + nKv, nKv, batch, hd).assign(dAttention.dv().permute(0, 2, 1, 3));
        Nd4j.gemm(s.a1(), dQkv, gradients.qkv(), true, false, 1.0, 0.0);
        INDArray da1 = Nd4j.createUninitialized(type, n, d);
        Nd4j.gemm(dQkv, w.qkv(), da1, false, true, 1.0, 0.0);
        INDArray dx = dxMemory.create(type, n, d);
        BlockMath.rmsNormBackward(da1, s.normed1(), s.invRms1(), w.attentionNorm(), gradients.attentionNorm(), dx);
        dx.addi(dh);                                                                           // (N, d)
        return dx;
    }
}
