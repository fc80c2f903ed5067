package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The built network holds exactly the weights ModelConfig counts: no biases, RMSNorm gains only. */
class ParameterCountTest {

    /** Six query heads over three kv heads, an odd-sized MLP, a vocabulary not a power of two. */
    private static final ModelConfig CUSTOM = new ModelConfig(100, 48, 3, 6, 3, 100, 16, 500_000, 1e-6);

    @ParameterizedTest
    @EnumSource(PhiDecoder.Masking.class)
    void tinyPresetHasModelConfigsParameterCount(PhiDecoder.Masking masking) {
        assertEquals(ModelPresets.TINY.parameterCount(), build(ModelPresets.TINY, masking).params().length());
    }

    @Test
    void customShapeHasModelConfigsParameterCount() {
        assertEquals(CUSTOM.parameterCount(), build(CUSTOM, PhiDecoder.Masking.CAUSAL).params().length());
    }

    @Test
    void everyParameterIsAWeightMatrixOrANormGain() {
        List<String> expected = new ArrayList<>(List.of("embedding_W"));
        for (int layer = 0; layer < CUSTOM.nLayers(); layer++) {
            for (String name : List.of("attentionNorm", "wq", "wk", "wv", "wo", "mlpNorm", "wGate", "wUp", "wDown")) {
                expected.add(PhiDecoder.blockName(layer) + "_" + name);
            }
        }
        expected.addAll(List.of("finalNorm_gain", "lmHead_W"));

        List<String> actual = new ArrayList<>(build(CUSTOM, PhiDecoder.Masking.CAUSAL).paramTable().keySet());
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList());
    }

    private static ComputationGraph build(ModelConfig config, PhiDecoder.Masking masking) {
        return PhiDecoder.build(config, masking, new NeuralNetConfiguration.Builder().seed(1));
    }
}
