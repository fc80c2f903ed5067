package dev.phi4j.core.model;

import dev.phi4j.core.config.Presets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named model shapes. {@code phi-4} is the released 14B model (arXiv 2412.08905 §3 and its
 * config.json) at its pretraining context; {@code phi-4-16k} is the same weights after midtraining.
 */
public final class ModelPresets implements Presets<ModelConfig> {

    /** Trains in seconds on a laptop CPU; vocabulary sized for a small BPE tokenizer. */
    public static final ModelConfig TINY = new ModelConfig(1024, 64, 2, 4, 2, 176, 128, 10_000, 1e-5);

    /** Tens of millions of parameters: the shape for small-scale reproduction runs. */
    public static final ModelConfig SMALL = new ModelConfig(8192, 512, 8, 8, 4, 1408, 1024, 10_000, 1e-5);

    public static final ModelConfig PHI_4 = new ModelConfig(100_352, 5120, 40, 40, 10, 17_920, 4096, 10_000, 1e-5);

    public static final ModelConfig PHI_4_16K = PHI_4.withContext(16_384, 250_000);

    private static final Map<String, ModelConfig> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("tiny", TINY);
        BY_NAME.put("small", SMALL);
        BY_NAME.put("phi-4", PHI_4);
        BY_NAME.put("phi-4-16k", PHI_4_16K);
    }

    @Override
    public List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    @Override
    public ModelConfig find(String name) {
        return BY_NAME.get(name);
    }
}
