package dev.phi4j.core.model;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;

/**
 * How RoPE's frequencies are stretched when a model moves to a longer context (report §3.3 and its alternatives, for
 * ablations). Phi-4's own recipe is {@code none} with a larger {@code rope_theta} (10,000 → 250,000); the others keep θ
 * and change the frequencies, with {@code factor} s = new context / original context:
 * <ul>
 *   <li>{@code linear}: position interpolation (Chen et al. 2023), positions × 1/s, i.e. every frequency ÷ s;</li>
 *   <li>{@code ntk}: NTK-aware base, θ' = θ · s^(d/(d−2)) for head dimension d;</li>
 *   <li>{@code yarn}: "NTK-by-parts" (Peng et al. 2023, eq. 18–19): a dimension that turns r = L/λ times over the
 *       original context L (wavelength λ = 2π/frequency) keeps its frequency when r ≥ β_fast, is divided by s when
 *       r ≤ β_slow, and is blended linearly in r between; attention logits are scaled by (0.1 ln s + 1)², applied as
 *       0.1 ln s + 1 on both queries and keys (on the cos and sin tables).</li>
 * </ul>
 */
@Doc("RoPE frequency scaling for a longer context: none, linear (position interpolation), ntk, yarn")
public record RopeScaling(
        @Doc("none (θ alone, the Phi-4 recipe), linear, ntk or yarn") @Default("none") Kind kind,
        @Doc("s = new context length / original context length") @Default("1") @Range(min = 1) double factor,
        @Doc("context the model was pretrained at, which yarn measures rotations against; 0: context_length / factor")
        @Default("0") @Range(min = 0) int originalContextLength,
        @Doc("yarn: dimensions turning at least this many times over the original context keep their frequency")
        @Default("32") @Range(min = 0) double betaFast,
        @Doc("yarn: dimensions turning at most this many times are interpolated (frequency ÷ factor)")
        @Default("1") @Range(min = 0) double betaSlow) {

    public enum Kind { NONE, LINEAR, NTK, YARN }

    public static final RopeScaling NONE = new RopeScaling(Kind.NONE, 1, 0, 32, 1);

    public RopeScaling {
        if (kind == Kind.NONE && factor != 1) {
            throw new InvalidConfigValue("factor", "factor " + factor + " with kind none: choose linear, ntk or yarn, "
                    + "or raise rope_theta instead (the Phi-4 recipe)");
        }
        if (kind == Kind.YARN && betaFast <= betaSlow) {
            throw new InvalidConfigValue("beta_fast", "beta_fast (" + betaFast + ") must exceed beta_slow ("
                    + betaSlow + ")");
        }
    }

    /** inv_freq_j for j < headDim/2 of a model with base θ and context {@code contextLength}, scaled. */
    public double[] inverseFrequencies(int headDim, double theta, int contextLength) {
        double base = kind == Kind.NTK ? theta * Math.pow(factor, headDim / (headDim - 2.0)) : theta;
        double[] frequencies = new double[headDim / 2];
        double original = originalContextLength > 0 ? originalContextLength : contextLength / factor;
        for (int j = 0; j < frequencies.length; j++) {
            double frequency = Math.pow(base, -2.0 * j / headDim);
            frequencies[j] = switch (kind) {
                case NONE, NTK -> frequency;
                case LINEAR -> frequency / factor;
                case YARN -> {
                    double rotations = original * frequency / (2 * Math.PI);
                    double extrapolated = Math.max(0, Math.min(1, (rotations - betaSlow) / (betaFast - betaSlow)));
                    yield (1 - extrapolated) * frequency / factor + extrapolated * frequency;
                }
            };
        }
        return frequencies;
    }

    /** The factor on queries and keys (so its square on attention logits): yarn's 0.1 ln s + 1, else 1. */
    public double attentionScale() {
        return kind == Kind.YARN ? 0.1 * Math.log(factor) + 1 : 1;
    }
}
