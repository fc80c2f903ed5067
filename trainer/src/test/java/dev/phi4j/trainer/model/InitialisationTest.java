package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** normal(0, 0.02) matrices, residual projections scaled by 1/sqrt(2·nLayers), unit gains; fixed by the seed. */
class InitialisationTest {

    private static final ModelConfig WIDE = new ModelConfig(512, 128, 8, 4, 2, 352, 8, 10_000, 1e-5);

    @Test
    void weightsFollowTheDocumentedScheme() {
        Map<String, INDArray> params = build(1).paramTable();
        double residual = PhiDecoder.INIT_STD / Math.sqrt(2.0 * WIDE.nLayers());

        for (String name : new String[] {"embedding_W", "lmHead_W", "block3_wq", "block3_wk", "block3_wv",
                "block3_wGate", "block3_wUp"}) {
            assertEquals(PhiDecoder.INIT_STD, params.get(name).stdNumber().doubleValue(), 0.05 * PhiDecoder.INIT_STD,
                    name);
            assertEquals(0.0, params.get(name).meanNumber().doubleValue(), 0.002, name);
        }
        for (String name : new String[] {"block3_wo", "block3_wDown"}) {
            assertEquals(residual, params.get(name).stdNumber().doubleValue(), 0.05 * residual, name);
        }
        for (String name : new String[] {"block3_attentionNorm", "block3_mlpNorm", "finalNorm_gain"}) {
            assertEquals(1.0, params.get(name).minNumber().doubleValue(), name);
            assertEquals(1.0, params.get(name).maxNumber().doubleValue(), name);
        }
    }

    @Test
    void theSeedFixesEveryWeight() {
        assertEquals(0.0, TinyModels.maxAbsDifference(build(7).params(), build(7).params()));
        assertTrue(TinyModels.maxAbsDifference(build(7).params(), build(8).params()) > 0.01);
    }

    private static ComputationGraph build(long seed) {
        return PhiDecoder.build(WIDE, PhiDecoder.Masking.CAUSAL, new NeuralNetConfiguration.Builder().seed(seed));
    }
}
