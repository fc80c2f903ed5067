package dev.phi4j.core.model;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.PresetSource;
import dev.phi4j.core.config.Range;

/**
 * The shape of a phi-3-medium-like decoder: token embedding, {@code nLayers} pre-norm blocks
 * (RMSNorm → causal GQA attention with RoPE → residual → RMSNorm → SwiGLU MLP → residual), a final
 * RMSNorm and an untied LM head. Derived sizes are methods, never stored twice.
 */
@PresetSource(ModelPresets.class)
public record ModelConfig(
        @Doc("vocabulary size: rows of the embedding table and width of the LM head") @Range(min = 2) int vocabSize,
        @Doc("width of the residual stream") @Range(min = 2) int dModel,
        @Doc("number of transformer blocks") @Range(min = 1) int nLayers,
        @Doc("query heads per attention layer") @Range(min = 1) int nHeads,
        @Doc("key/value heads (grouped-query attention); equal to n_heads means plain multi-head") @Range(min = 1) int nKvHeads,
        @Doc("inner width of the SwiGLU MLP") @Range(min = 1) int ffnHidden,
        @Doc("tokens per training sequence") @Range(min = 2) int contextLength,
        @Doc("RoPE base θ") @Range(min = 1) double ropeTheta,
        @Doc("RMSNorm epsilon") @Default("1e-5") @Range(min = 0, max = 1) double normEps,
        @Doc("how RoPE frequencies are stretched for a longer context; none: θ alone") @Default("{}")
        RopeScaling ropeScaling) {

    /** A shape whose RoPE uses θ alone, as pretraining does. */
    public ModelConfig(int vocabSize, int dModel, int nLayers, int nHeads, int nKvHeads, int ffnHidden,
                       int contextLength, double ropeTheta, double normEps) {
        this(vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, contextLength, ropeTheta, normEps,
                RopeScaling.NONE);
    }

    public ModelConfig {
        // Models saved before RoPE scaling existed carry no such field: they used θ alone.
        ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
        if (dModel % nHeads != 0) {
            throw new InvalidConfigValue("d_model", "d_model (" + dModel + ") must be divisible by n_heads (" + nHeads + ")");
        }
        if (nHeads % nKvHeads != 0) {
            throw new InvalidConfigValue("n_kv_heads",
                    "n_heads (" + nHeads + ") must be divisible by n_kv_heads (" + nKvHeads + ")");
        }
        if ((dModel / nHeads) % 2 != 0) {
            throw new InvalidConfigValue("n_heads", "head dimension d_model / n_heads (" + dModel / nHeads
                    + ") must be even: RoPE rotates pairs of dimensions");
        }
    }

    public int headDim() {
        return dModel / nHeads;
    }

    /** Width of the key and value projections: n_kv_heads × head_dim. */
    public int kvDim() {
        return nKvHeads * headDim();
    }

    /** Weights of one block: q, k, v, o projections, the three SwiGLU matrices and two RMSNorm gains. */
    public long blockParameters() {
        long attention = (long) dModel * dModel * 2 + 2L * dModel * kvDim();
        long mlp = 3L * dModel * ffnHidden;
        return attention + mlp + 2L * dModel;
    }

    /** All weights: untied input embedding and LM head, the blocks, the final norm. No biases. */
    public long parameterCount() {
        return 2L * vocabSize * dModel + nLayers * blockParameters() + dModel;
    }

    /** Weights that take part in matmuls per token: everything but the input embedding lookup. */
    public long nonEmbeddingParameterCount() {
        return parameterCount() - (long) vocabSize * dModel;
    }

    /**
     * Training FLOPs per token at sequence length {@code seqLen} (forward + backward): 6 × the matmul
     * weights plus causal attention's score and value products, 6 × n_layers × seq × d_model
     * (the PaLM appendix B accounting with the causal half).
     */
    public double trainingFlopsPerToken(int seqLen) {
        return 6.0 * nonEmbeddingParameterCount() + 6.0 * nLayers * seqLen * dModel;
    }

    /** The same shape at a longer context with a new RoPE base, as midtraining does (4K → 16K, θ 10k → 250k). */
    public ModelConfig withContext(int newContextLength, double newRopeTheta) {
        return new ModelConfig(vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, newContextLength,
                newRopeTheta, normEps, ropeScaling);
    }

    public ModelConfig withRopeScaling(RopeScaling scaling) {
        return new ModelConfig(vocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, contextLength, ropeTheta,
                normEps, scaling);
    }

    public ModelConfig withVocabSize(int newVocabSize) {
        return new ModelConfig(newVocabSize, dModel, nLayers, nHeads, nKvHeads, ffnHidden, contextLength,
                ropeTheta, normEps, ropeScaling);
    }
}
