package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW as the recipe has it: decoupled weight decay on every matrix once, never on the embedding or the gains. */
class WeightDecayTest {

    private static final WeightDecay DECAY = new WeightDecay(0.1, true);

    @Test
    void everyMatrixDecaysOnceAndEmbeddingAndNormGainsNever(@TempDir Path dir) throws IOException {
        ComputationGraph net = PhiDecoder.build(TinyModels.GQA, PhiDecoder.Masking.CAUSAL,
                new NeuralNetConfiguration.Builder().updater(new Adam(1e-3)).weightDecay(0.1, true));
        assertDecayPolicy(net);

        File checkpoint = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, checkpoint, true);
        assertDecayPolicy(ModelSerializer.restoreComputationGraph(checkpoint, true));
    }

    private static void assertDecayPolicy(ComputationGraph net) {
        assertEquals(List.of(), layerDecay(net, PhiDecoder.EMBEDDING, "W"));
        assertEquals(List.of(DECAY), layerDecay(net, PhiDecoder.LM_HEAD, "W"));
        FinalRmsNorm finalNorm = (FinalRmsNorm) net.getConfiguration().getVertices().get(PhiDecoder.FINAL_NORM);
        assertEquals(List.of(), finalNorm.getRegularizationByParam(FinalRmsNorm.GAIN));

        DecoderBlock block = (DecoderBlock) net.getConfiguration().getVertices().get(PhiDecoder.blockName(0));
        for (String matrix : List.of(DecoderBlock.WQ, DecoderBlock.WK, DecoderBlock.WV, DecoderBlock.WO,
                DecoderBlock.W_GATE, DecoderBlock.W_UP, DecoderBlock.W_DOWN)) {
            assertEquals(List.of(DECAY), block.getRegularizationByParam(matrix), matrix);
        }
        assertEquals(List.of(), block.getRegularizationByParam(DecoderBlock.ATTENTION_NORM));
        assertEquals(List.of(), block.getRegularizationByParam(DecoderBlock.MLP_NORM));
    }

    private static List<Regularization> layerDecay(ComputationGraph net, String layer, String param) {
        return net.getLayer(layer).conf().getLayer().getRegularizationByParam(param);
    }
}
