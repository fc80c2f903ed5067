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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;

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
 * vertex per block, a {@link FinalRmsNorm} vertex and the {@link LmHead}, a bias-free {@code RnnOutputLayer} with
 * softmax and sparse cross-entropy. Blocks, final norm and head compute forward and backward by hand in ND4J; a
 * block's math is {@link TransformerBlock} (read it first), which {@link DecoderInference} also runs, token by token
 * with a KV cache, on the same weights.
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
            DecoderBlock block = new DecoderBlock(config, masking);
            block.applyGlobalConfig(training);
            graph.addVertex(blockName(layer), block, inputs);                        // (B, d_model, T)
            x = blockName(layer);
        }
        FinalRmsNorm finalNorm = new FinalRmsNorm(config);
        finalNorm.applyGlobalConfig(training);
        graph.addVertex(FINAL_NORM, finalNorm, x);                                   // (B, d_model, T)
        graph.addLayer(LM_HEAD, new LmHead(config, normal), FINAL_NORM);            // (B, vocab, T)
        ComputationGraphConfiguration built = graph.setOutputs(LM_HEAD).build();
        applyWeightDecayPolicy(built);
        return built;
    }

    /**
     * Weight decay as the recipe applies it (see TrainerConfig): every matrix once, never the embedding nor the norm
     * gains, whatever the caller's global setting. The blocks and the final norm decide per parameter
     * ({@link ParameterizedVertex}); M2.1 gives DL4J's own layers the global weight decay twice (a silent 2× decay),
     * so the embedding's list is cleared and the head's deduplicated here.
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
        INDArray head = net.getParam(LM_HEAD + "_W");                                   // (d_model, vocab)
        long b = hidden.size(0), t = hidden.size(2);
        INDArray logits = Nd4j.create(head.dataType(), b * t, head.size(1));
        return LmHead.logitsOf(hidden, head, logits).reshape(b, t, head.size(1));       // (B, T, vocab)
    }
}
