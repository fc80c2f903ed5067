package dev.phi4j.bench.inference;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;

/** The model shape a {@code --preset} names, for the inference benchmarks' random-weight models. */
final class PresetShapes {

    private PresetShapes() {}

    static ModelConfig find(String name) {
        ModelConfig shape = new ModelPresets().find(name);
        if (shape == null) {
            throw new IllegalArgumentException("unknown preset " + name + "; one of " + new ModelPresets().names());
        }
        return shape;
    }
}
