package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.phi4j.trainer.model.BlockMath.columns;
import static dev.phi4j.trainer.model.BlockMath.heads;

/**
 * The decoder's forward pass for generation: logits for a chunk of new tokens (B, T_new), given the keys and values
 * of the earlier positions in a {@link KvCache}, which the call extends. Causal attention over one document per row
 * (what a prompt and its continuation are), RoPE positions continuing from the cache's length, any total length up
 * to the context length. Same weights and math as the training graph ({@link DecoderBlockRuntime}): its logits
 * equal {@link PhiDecoder#logits} position by position, to rounding.
 *
 * <pre>{@code
 * DecoderInference decoder = DecoderInference.of(net);
 * KvCache cache = decoder.newCache(1);
 * INDArray next = decoder.lastLogits(promptTokens, cache);        // (1, vocab), prompt (1, T_prompt)
 * next = decoder.lastLogits(Nd4j.createFromArray(new float[][] {{token}}), cache);   // one more token
 * }</pre>
 * The weights are views of the network's parameters, so the decoder follows further training; do not train and
 * generate at the same time. Calls on one cache must not overlap; separate caches may run on separate threads.
 */
public final class DecoderInference {

    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.2)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();
    private static final String WORKSPACE_ID = "phi4j-decoder-inference";

    private final ModelConfig config;
    private final INDArray embedding;                     // (vocab, d_model)
    private final List<DecoderBlockRuntime.BlockWeights> blocks;
    private final INDArray finalGain;                     // (d_model)
    private final INDArray head;                          // (d_model, vocab)
    private final BlockMath.RopeTable rope;
    private final double scale;

    private DecoderInference(ModelConfig config, INDArray embedding, List<DecoderBlockRuntime.BlockWeights> blocks,
                             INDArray finalGain, INDArray head) {
        this.config = config;
        this.embedding = embedding;
        this.blocks = blocks;
        this.finalGain = finalGain;
        this.head = head;
        this.rope = BlockMath.RopeTable.of(config.headDim(), config.ropeTheta(), config.contextLength(),
                head.dataType());
        this.scale = 1.0 / Math.sqrt(config.headDim());
    }

    /** The decoder of a network built by {@link PhiDecoder#build} (either masking), sharing its weights. */
    public static DecoderInference of(ComputationGraph net) {
        if (!(net.getConfiguration().getVertices().get(PhiDecoder.blockName(0)) instanceof DecoderBlock first)) {
            throw new IllegalArgumentException("not a PhiDecoder network: no vertex " + PhiDecoder.blockName(0));
        }
        ModelConfig config = first.getModel();
        List<DecoderBlockRuntime.BlockWeights> blocks = new ArrayList<>();
        for (int layer = 0; layer < config.nLayers(); layer++) {
            blocks.add(((DecoderBlockRuntime) net.getVertex(PhiDecoder.blockName(layer))).weights());
        }
        Map<String, INDArray> params = net.paramTable();       // getParam(name) finds layers' parameters only
        return new DecoderInference(config, params.get(PhiDecoder.EMBEDDING + "_W"), blocks,
                params.get(PhiDecoder.FINAL_NORM + "_" + FinalRmsNorm.GAIN), params.get(PhiDecoder.LM_HEAD + "_W"));
    }

    public ModelConfig config() {
        return config;
    }

    /** An empty cache for {@code batch} rows, room for the whole context. */
    public KvCache newCache(int batch) {
        return newCache(batch, config.contextLength());
    }

    /** An empty cache for {@code batch} rows and at most {@code capacity} (≤ context length) positions. */
    public KvCache newCache(int batch, int capacity) {
        if (batch < 1 || capacity < 1 || capacity > config.contextLength()) {
            throw new IllegalArgumentException("a cache needs batch ≥ 1 and 1 ≤ capacity ≤ context length ("
                    + config.contextLength() + "), got batch " + batch + ", capacity " + capacity);
        }
        return new KvCache(config.nLayers(), batch, config.nKvHeads(), capacity, config.headDim(), head.dataType());
    }

    /**
     * Logits of every new position, (B, T_new, vocab), for token ids {@code tokens} (B, T_new) that follow the
     * cache's positions; the cache then holds them too.
     */
    public INDArray logits(INDArray tokens, KvCache cache) {
        return run(tokens, cache, false);
    }

    /** Logits of the last new position only, (B, vocab): what sampling the next token needs. */
    public INDArray lastLogits(INDArray tokens, KvCache cache) {
        return run(tokens, cache, true);
    }

    private INDArray run(INDArray tokens, KvCache cache, boolean lastOnly) {
        int[] ids = validatedIds(tokens, cache);
        long batch = tokens.size(0);
        int fresh = (int) tokens.size(1);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            INDArray x = Nd4j.createUninitialized(head.dataType(), batch * fresh, config.dModel());
            Nd4j.pullRows(embedding, x, 1, ids);                                             // (N, d)
            for (int layer = 0; layer < blocks.size(); layer++) {
                x = block(x, blocks.get(layer), cache, layer, batch, fresh);
            }
            cache.advance(fresh);
            if (lastOnly) {
                x = x.reshape(batch, fresh, config.dModel()).get(NDArrayIndex.all(), NDArrayIndex.point(fresh - 1),
                        NDArrayIndex.all()).dup('c');                                        // (B, d)
            }
            INDArray normed = Nd4j.createUninitialized(x.dataType(), x.shape());
            INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
            BlockMath.rmsNorm(x, finalGain, config.normEps(), Nd4j.createUninitialized(x.dataType(), x.size(0), 1),
                    normed, out);
            INDArray logits = out.mmul(head);                                                // (rows, vocab)
            return (lastOnly ? logits : logits.reshape(batch, fresh, head.size(1))).detach();
        }
    }

    /** One block on the new rows x (B·T_new, d), reading and extending the layer's cache. */
    private INDArray block(INDArray x, DecoderBlockRuntime.BlockWeights w, KvCache cache, int layer, long batch,
                           int fresh) {
        int d = config.dModel(), nHeads = config.nHeads(), nKv = config.nKvHeads(), hd = config.headDim();
        int group = nHeads / nKv, ffn = config.ffnHidden();
        int start = cache.length(), total = start + fresh;
        long n = x.size(0);
        DataType type = x.dataType();

        INDArray a1 = Nd4j.createUninitialized(type, n, d);
        BlockMath.rmsNorm(x, w.attentionNorm(), config.normEps(), Nd4j.createUninitialized(type, n, 1),
                Nd4j.createUninitialized(type, n, d), a1);
        INDArray qkv = a1.mmul(w.qkv());                                                     // (N, (H+2kv)·hd)
        INDArray[] cosSin = rope.range(start, fresh);
        INDArray q = Nd4j.createUninitialized(type, batch, nHeads, fresh, hd);
        BlockMath.rope(heads(qkv, 0, nHeads, batch, hd), cosSin[0], cosSin[1], q.permute(0, 2, 1, 3), false);
        BlockMath.rope(heads(qkv, nHeads, nKv, batch, hd), cosSin[0], cosSin[1],
                positions(cache.keys(layer), start, total).permute(0, 2, 1, 3), false);       // new keys, in place
        positions(cache.values(layer), start, total)
                .assign(heads(qkv, nHeads + nKv, nKv, batch, hd).permute(0, 2, 1, 3));
        INDArray keys = positions(cache.keys(layer), 0, total);                              // (B, kv, total, hd)
        INDArray values = positions(cache.values(layer), 0, total);

        INDArray probabilities = Nd4j.createUninitialized(type, batch, nKv, (long) group * fresh, total);
        Nd4j.exec(new Mmul(q.reshape(batch, nKv, (long) group * fresh, hd), keys, probabilities, scale, 0.0,
                MMulTranspose.builder().transposeB(true).build()));
        probabilities.reshape(batch, nHeads, fresh, total).addi(mask(start, fresh, type));
        Nd4j.exec(new SoftMax(probabilities, probabilities, 3));
        INDArray attended = Nd4j.createUninitialized(type, batch, nKv, (long) group * fresh, hd);
        Nd4j.exec(new Mmul(probabilities, values, attended, 1.0, 0.0, MMulTranspose.allFalse()));
        INDArray y = Nd4j.createUninitialized(type, n, (long) nHeads * hd);
        y.reshape(batch, fresh, nHeads, hd).permute(0, 2, 1, 3).assign(attended.reshape(batch, nHeads, fresh, hd));
        INDArray h = x.dup('c');
        Nd4j.gemm(y, w.wo(), h, false, false, 1.0, 1.0);                                     // h = x + y·W_o

        INDArray a2 = Nd4j.createUninitialized(type, n, d);
        BlockMath.rmsNorm(h, w.mlpNorm(), config.normEps(), Nd4j.createUninitialized(type, n, 1),
                Nd4j.createUninitialized(type, n, d), a2);
        INDArray gateUp = a2.mmul(w.gateUp());                                               // (N, 2·ffn)
        INDArray gate = columns(gateUp, 0, ffn), up = columns(gateUp, ffn, 2L * ffn);
        INDArray hidden = Nd4j.createUninitialized(type, n, ffn);
        Nd4j.exec(new Sigmoid(gate, hidden));
        Nd4j.exec(new MulOp(hidden, gate, hidden));                                          // silu(gate)
        Nd4j.exec(new MulOp(hidden, up, hidden));
        Nd4j.gemm(hidden, w.wDown(), h, false, false, 1.0, 1.0);                             // out = h + hidden·W_down
        return h;
    }

    /** Positions from..to-1 of a cache array (B, kv, capacity, hd), a view. */
    private static INDArray positions(INDArray cache, int from, int to) {
        return cache.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** (T_new, start + T_new) additive mask: new token i (at position start + i) sees keys 0..start + i. */
    private static INDArray mask(int start, int fresh, DataType type) {
        double[][] mask = new double[fresh][start + fresh];
        for (int i = 0; i < fresh; i++) {
            for (int j = start + i + 1; j < start + fresh; j++) {
                mask[i][j] = BlockMath.MASKED;
            }
        }
        return Nd4j.createFromArray(mask).castTo(type);
    }

    private int[] validatedIds(INDArray tokens, KvCache cache) {
        if (tokens.rank() != 2 || tokens.size(0) != cache.batchSize() || tokens.size(1) < 1) {
            throw new IllegalArgumentException("tokens must be (batch " + cache.batchSize() + ", T_new ≥ 1), got "
                    + java.util.Arrays.toString(tokens.shape()));
        }
        int fresh = (int) tokens.size(1);
        if (cache.length() + fresh > cache.capacity()) {
            throw new IllegalStateException("the cache holds " + cache.length() + " of " + cache.capacity()
                    + " positions; " + fresh + " more do not fit (context length " + config.contextLength() + ")");
        }
        double[][] values = tokens.toDoubleMatrix();
        int[] ids = new int[values.length * fresh];
        for (int row = 0; row < values.length; row++) {
            for (int t = 0; t < fresh; t++) {
                double id = values[row][t];
                if (id < 0 || id >= config.vocabSize() || id != Math.rint(id)) {
                    throw new IllegalArgumentException("token " + id + " at row " + row + ", position " + t
                            + " is not an id of the vocabulary (0.." + (config.vocabSize() - 1) + ")");
                }
                ids[row * fresh + t] = (int) id;
            }
        }
        return ids;
    }
}
