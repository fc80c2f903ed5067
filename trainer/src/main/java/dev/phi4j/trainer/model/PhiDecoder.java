package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The phi-3-medium-like decoder of Phi-4 (arXiv 2412.08905 §3), top to bottom:
 * <pre>
 *   tokens → embedding → nLayers × [x + attention(rmsNorm(x)); h + swiglu(rmsNorm(h))] → rmsNorm → lmHead
 * </pre>
 * Attention is causal, grouped-query ({@code nKvHeads} key/value heads, each shared by
 * {@code nHeads / nKvHeads} query heads) with rotate-half RoPE at base {@code ropeTheta}. No biases anywhere;
 * the LM head is not tied to the embedding.
 *
 * <p>Built as a DL4J {@link ComputationGraph}: DL4J's {@code EmbeddingSequenceLayer}, one {@link DecoderBlock}
 * vertex per block, a {@link FinalRmsNorm} layer and the {@link LmHead}, a bias-free {@code RnnOutputLayer} with
 * softmax and sparse cross-entropy.
 * The math of a block lives here, in SameDiff, so the whole forward pass reads in this one file.
 *
 * <p>Inputs (features of a {@code MultiDataSet}, in this order):
 * <ul>
 *   <li>{@value #TOKENS}: token ids, (B, T) with T = {@code contextLength};</li>
 *   <li>{@value #SEGMENT_IDS}, only with {@link Masking#DOCUMENTS}: (B, T), the document each position belongs
 *       to: one id per document, distinct between the documents of a row, e.g. {@code 0 0 0 1 1 2 2 2}. Tokens
 *       with equal ids attend to each other, so a document must not reuse an earlier document's id.</li>
 * </ul>
 * Every row is exactly T long (pad, and leave the padding out of the loss). Labels: the next token ids,
 * (B, 1, T); an optional label mask (B, T) leaves positions out of the loss. Feature masks are not supported.
 * The graph's output is the softmax over the vocabulary, (B, vocab, T); {@link #logits} gives the logits.
 * {@code score()} is the cross-entropy summed over a row's (unmasked) positions, averaged over the rows.
 */
public final class PhiDecoder {

    /** How far attention reaches back. */
    public enum Masking {
        /** Every token sees all earlier tokens of its row; RoPE positions 0..T-1. */
        CAUSAL,
        /**
         * Sequence packing: a token sees only earlier tokens of its own document, and RoPE positions restart at 0
         * in each document, so a packed document computes exactly what it computes alone.
         */
        DOCUMENTS
    }

    public static final String TOKENS = "tokens";
    public static final String SEGMENT_IDS = "segmentIds";
    public static final String EMBEDDING = "embedding";
    public static final String FINAL_NORM = "finalNorm";
    public static final String LM_HEAD = "lmHead";

    /** Standard deviation of every weight matrix at initialisation (GPT-2's 0.02). */
    public static final double INIT_STD = 0.02;

    /** Additive attention bias for masked pairs: exp(-1e9 - max) is exactly 0 in float and double. */
    private static final double MASKED = -1e9;

    private PhiDecoder() {}

    public static String blockName(int layer) {
        return "block" + layer;
    }

    /**
     * The network for {@code config}, initialised: matrices ~ normal(0, 0.02), the two projections that write into
     * the residual stream (attention's {@code wo}, the MLP's {@code wDown}) ~ normal(0, 0.02 / sqrt(2·nLayers)) so
     * the stream's variance does not grow with depth (GPT-2), RMSNorm gains 1. Deterministic for a given
     * {@code training.seed(...)}.
     *
     * @param training DL4J's global settings: seed, updater, weight decay, data type, gradient normalisation
     */
    public static ComputationGraph build(ModelConfig config, Masking masking, NeuralNetConfiguration.Builder training) {
        ComputationGraph net = new ComputationGraph(configuration(config, masking, training));
        net.init();
        return net;
    }

    public static ComputationGraphConfiguration configuration(ModelConfig config, Masking masking,
                                                              NeuralNetConfiguration.Builder training) {
        IWeightInit normal = new WeightInitDistribution(new NormalDistribution(0, INIT_STD));
        ComputationGraphConfiguration.GraphBuilder graph = training.graphBuilder();
        graph.addInputs(masking == Masking.DOCUMENTS ? new String[] {TOKENS, SEGMENT_IDS} : new String[] {TOKENS});

        // nIn and nOut are set explicitly and no input types are declared: setInputTypes(recurrent(1, T)) would
        // silently reset the embedding's nIn to 1.
        graph.addLayer(EMBEDDING, new EmbeddingSequenceLayer.Builder()
                .nIn(config.vocabSize()).nOut(config.dModel())
                .inputLength(config.contextLength()).outputDataFormat(RNNFormat.NCW)
                .hasBias(false).weightInit(normal)
                .build(), TOKENS);                                                   // (B, d_model, T)
        String x = EMBEDDING;
        for (int layer = 0; layer < config.nLayers(); layer++) {
            String[] inputs = masking == Masking.DOCUMENTS ? new String[] {x, SEGMENT_IDS} : new String[] {x};
            graph.addVertex(blockName(layer), new DecoderBlock(config, masking), inputs);   // (B, d_model, T)
            x = blockName(layer);
        }
        graph.addLayer(FINAL_NORM, new FinalRmsNorm(config), x);                   // (B, d_model, T)
        graph.addLayer(LM_HEAD, new LmHead(config, normal), FINAL_NORM);            // (B, vocab, T)
        ComputationGraphConfiguration built = graph.setOutputs(LM_HEAD).build();
        applyWeightDecayPolicy(built);
        return built;
    }

    /**
     * Weight decay as the recipe applies it (see TrainerConfig): every matrix once, never the embedding nor the norm
     * gains, whatever the caller's global setting. The gains are DL4J "bias" parameters and so never decay; M2.1
     * gives DL4J's own layers the global weight decay twice (a silent 2× decay), so the embedding's list is cleared
     * and the head's deduplicated here.
     */
    private static void applyWeightDecayPolicy(ComputationGraphConfiguration built) {
        layerConfig(built, EMBEDDING).setRegularization(new ArrayList<>());
        BaseLayer head = layerConfig(built, LM_HEAD);
        head.setRegularization(new ArrayList<>(new LinkedHashSet<>(head.getRegularization())));
    }

    private static BaseLayer layerConfig(ComputationGraphConfiguration built, String name) {
        return (BaseLayer) ((LayerVertex) built.getVertices().get(name)).getLayerConf().getLayer();
    }

    /** Pre-softmax scores: rmsNorm(final hidden state) · W_head, (B, T, vocab). Inputs as for the graph. */
    public static INDArray logits(ComputationGraph net, INDArray... inputs) {
        INDArray hidden = net.feedForward(inputs, false).get(FINAL_NORM);             // (B, d_model, T)
        long b = hidden.size(0), d = hidden.size(1), t = hidden.size(2);
        INDArray head = net.getParam(LM_HEAD + "_W");                                   // (d_model, vocab)
        INDArray rows = hidden.permute(0, 2, 1).dup('c').reshape(b * t, d);           // (B*T, d_model)
        return rows.mmul(head).reshape(b, t, head.size(1));                             // (B, T, vocab)
    }

    // ---------------------------------------------------------------------------------------------------------
    // The forward pass of one block, in SameDiff. x is DL4J's channels-first sequence layout (B, d_model, T).
    // ---------------------------------------------------------------------------------------------------------

    /** The weights of one block; shapes as (in, out) so a projection is {@code x.mmul(w)}. */
    record BlockWeights(
            SDVariable attentionNorm, // (d_model)
            SDVariable wq,            // (d_model, nHeads·head_dim)
            SDVariable wk,            // (d_model, nKvHeads·head_dim)
            SDVariable wv,            // (d_model, nKvHeads·head_dim)
            SDVariable wo,            // (nHeads·head_dim, d_model)
            SDVariable mlpNorm,       // (d_model)
            SDVariable wGate,         // (d_model, ffn_hidden)
            SDVariable wUp,           // (d_model, ffn_hidden)
            SDVariable wDown) {       // (ffn_hidden, d_model)

        static BlockWeights of(Map<String, SDVariable> params) {
            return new BlockWeights(params.get(DecoderBlock.ATTENTION_NORM), params.get(DecoderBlock.WQ),
                    params.get(DecoderBlock.WK), params.get(DecoderBlock.WV), params.get(DecoderBlock.WO),
                    params.get(DecoderBlock.MLP_NORM), params.get(DecoderBlock.W_GATE), params.get(DecoderBlock.W_UP),
                    params.get(DecoderBlock.W_DOWN));
        }
    }

    /**
     * Who may attend to whom, and where each token sits for RoPE.
     *
     * @param mask additive attention bias, 0 where allowed and -1e9 elsewhere: (T, T) or (B, 1, T, T)
     * @param cos  cos(position · inv_freq) with the halves duplicated: (T, head_dim) or (B, 1, T, head_dim)
     * @param sin  likewise
     */
    record AttentionLayout(SDVariable mask, SDVariable cos, SDVariable sin) {}

    /** One pre-norm block: h = x + attention(rmsNorm(x)); out = h + swiglu(rmsNorm(h)). */
    static SDVariable block(SDVariable x, AttentionLayout layout, BlockWeights w, ModelConfig c) {
        int t = c.contextLength(), d = c.dModel();
        SDVariable h = x.permute(0, 2, 1).reshape(-1, d);                                 // (B*T, d_model)
        h = h.add(attention(rmsNorm(h, w.attentionNorm(), c.normEps()), layout, w, c));  // (B*T, d_model)
        h = h.add(swiglu(rmsNorm(h, w.mlpNorm(), c.normEps()), w));                      // (B*T, d_model)
        return h.reshape(-1, t, d).permute(0, 2, 1);                                      // (B, d_model, T)
    }

    /** RMSNorm over the features of (N, d): x / sqrt(mean(x²) + eps) · gain; no centring, no bias. */
    public static SDVariable rmsNorm(SDVariable x, SDVariable gain, double eps) {
        // A positive axis: M2.1's mean over axis -1 has a wrong gradient.
        SDVariable meanSquare = x.mul(x).mean(true, 1);                                   // (N, 1)
        return x.mul(x.getSameDiff().math.rsqrt(meanSquare.add(eps))).mul(gain);          // (N, d)
    }

    /** Causal grouped-query self-attention with RoPE on x (B*T, d_model). */
    static SDVariable attention(SDVariable x, AttentionLayout layout, BlockWeights w, ModelConfig c) {
        SameDiff sd = x.getSameDiff();
        int t = c.contextLength(), nHeads = c.nHeads(), nKvHeads = c.nKvHeads(), headDim = c.headDim();
        int group = nHeads / nKvHeads;
        SDVariable q = heads(x.mmul(w.wq()), nHeads, t, headDim);                         // (B, H, T, head_dim)
        SDVariable k = heads(x.mmul(w.wk()), nKvHeads, t, headDim);                       // (B, nKvHeads, T, head_dim)
        SDVariable v = heads(x.mmul(w.wv()), nKvHeads, t, headDim);                       // (B, nKvHeads, T, head_dim)
        q = rope(q, layout.cos(), layout.sin(), headDim).mul(1.0 / Math.sqrt(headDim));   // (B, H, T, head_dim)
        k = rope(k, layout.cos(), layout.sin(), headDim);                                 // (B, nKvHeads, T, head_dim)

        // GQA: query head h uses kv head h / group. Stacking the `group` query heads of one kv head along the time
        // axis lets a single batched matmul serve them all, without copying k and v once per query head.
        SDVariable qByKvHead = q.reshape(-1, nKvHeads, group * t, headDim);               // (B, nKvHeads, group·T, head_dim)
        SDVariable scores = sd.mmul(qByKvHead, k, false, true, false)
                .reshape(-1, nHeads, t, t);                                                // (B, H, T, T)
        SDVariable att = sd.nn.softmax(scores.add(layout.mask()), 3);                    // (B, H, T, T)
        SDVariable y = sd.mmul(att.reshape(-1, nKvHeads, group * t, t), v);               // (B, nKvHeads, group·T, head_dim)
        y = y.reshape(-1, nHeads, t, headDim).permute(0, 2, 1, 3).reshape(-1, c.dModel()); // (B*T, d_model)
        return y.mmul(w.wo());                                                            // (B*T, d_model)
    }

    /** (B*T, n·head_dim) → (B, n, T, head_dim). */
    private static SDVariable heads(SDVariable x, int n, int t, int headDim) {
        return x.reshape(-1, t, n, headDim).permute(0, 2, 1, 3);
    }

    /**
     * Rotate-half RoPE: x·cos + rotate_half(x)·sin with rotate_half([x1, x2]) = [-x2, x1] over the two halves of
     * head_dim (the GPT-NeoX / Llama / Phi-3 layout). cos and sin broadcast over batch and heads.
     */
    public static SDVariable rope(SDVariable x, SDVariable cos, SDVariable sin, int headDim) {
        long half = headDim / 2;
        SDIndex all = SDIndex.all();
        SDVariable x1 = x.get(all, all, all, SDIndex.interval(0L, half));                  // (B, H, T, head_dim/2)
        SDVariable x2 = x.get(all, all, all, SDIndex.interval(half, (long) headDim));      // (B, H, T, head_dim/2)
        SDVariable rotated = x.getSameDiff().concat(3, x2.neg(), x1);                      // (B, H, T, head_dim)
        return x.mul(cos).add(rotated.mul(sin));                                          // (B, H, T, head_dim)
    }

    /** SwiGLU MLP: (silu(x·W_gate) ⊙ x·W_up) · W_down. */
    static SDVariable swiglu(SDVariable x, BlockWeights w) {
        SDVariable gate = x.getSameDiff().nn.swish(x.mmul(w.wGate()));                    // (B*T, ffn_hidden)
        return gate.mul(x.mmul(w.wUp())).mmul(w.wDown());                                 // (B*T, d_model)
    }

    /** Plain causal attention: constant mask and RoPE tables for positions 0..T-1. */
    static AttentionLayout causal(SameDiff sd, DataType dataType, ModelConfig c) {
        int t = c.contextLength();
        double[] invFreq = ropeInverseFrequencies(c.headDim(), c.ropeTheta());
        double[][] cos = new double[t][c.headDim()];
        double[][] sin = new double[t][c.headDim()];
        for (int position = 0; position < t; position++) {
            for (int i = 0; i < c.headDim(); i++) {
                cos[position][i] = Math.cos(position * invFreq[i]);
                sin[position][i] = Math.sin(position * invFreq[i]);
            }
        }
        INDArray allowed = lowerTriangle(t);
        INDArray mask = allowed.rsub(1.0).muli(MASKED);                                   // (T, T)
        return new AttentionLayout(sd.constant(mask.castTo(dataType)),
                sd.constant(Nd4j.createFromArray(cos).castTo(dataType)),
                sd.constant(Nd4j.createFromArray(sin).castTo(dataType)));
    }

    /**
     * Document masking from segment ids (B, T): token i sees token j iff j ≤ i and both carry the same id; RoPE
     * positions count the earlier tokens of the same document, so they restart at 0 with each document.
     * Built inside the graph because the (B, T, T) mask is T times larger than the ids it comes from.
     */
    static AttentionLayout documents(SDVariable segmentIds, ModelConfig c) {
        SameDiff sd = segmentIds.getSameDiff();
        DataType dataType = segmentIds.dataType();
        int t = c.contextLength(), headDim = c.headDim();
        SDVariable sameDocument = sd.eq(segmentIds.reshape(-1, t, 1), segmentIds.reshape(-1, 1, t))
                .castTo(dataType);                                                        // (B, T, T)
        SDVariable visible = sameDocument.mul(sd.constant(lowerTriangle(t).castTo(dataType))); // (B, T, T)
        SDVariable mask = visible.sub(1.0).mul(-MASKED).reshape(-1, 1, t, t);              // (B, 1, T, T)
        SDVariable positions = visible.sum(2).sub(1.0);                                   // (B, T)
        INDArray invFreq = Nd4j.createFromArray(ropeInverseFrequencies(headDim, c.ropeTheta()))
                .reshape(1, 1, headDim).castTo(dataType);
        SDVariable angles = positions.reshape(-1, t, 1).mul(sd.constant(invFreq));        // (B, T, head_dim)
        return new AttentionLayout(mask,
                sd.math.cos(angles).reshape(-1, 1, t, headDim),                            // (B, 1, T, head_dim)
                sd.math.sin(angles).reshape(-1, 1, t, headDim));                           // (B, 1, T, head_dim)
    }

    /** inv_freq_j = θ^(-2j/head_dim) for j < head_dim/2, repeated for the second half (rotate-half layout). */
    public static double[] ropeInverseFrequencies(int headDim, double theta) {
        double[] invFreq = new double[headDim];
        int half = headDim / 2;
        for (int j = 0; j < half; j++) {
            invFreq[j] = Math.pow(theta, -2.0 * j / headDim);
            invFreq[j + half] = invFreq[j];
        }
        return invFreq;
    }

    /** (T, T) with ones where key j ≤ query i. */
    private static INDArray lowerTriangle(int t) {
        double[][] ones = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j <= i; j++) {
                ones[i][j] = 1;
            }
        }
        return Nd4j.createFromArray(ones);
    }
}
