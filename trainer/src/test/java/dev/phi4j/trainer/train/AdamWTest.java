package dev.phi4j.trainer.train;

import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWTest {

    /**
     * Reference values from PyTorch 1.13's torch.optim.AdamW in float64: parameters [0.5, -1.0] with weight decay 0.1
     * and [2.0, 0.25] without, β (0.9, 0.95), ε 1e-8, three steps at learning rates 0.01, 0.02, 0.005.
     */
    @Test
    void threeStepsMatchPyTorchAdamW() {
        INDArray params = Nd4j.createFromArray(0.5, -1.0, 2.0, 0.25);
        AdamW adamW = new AdamW(new TrainerConfig.OptimizerConfig(0.01, 0.9, 0.95, 1e-8, 0.1),
                Nd4j.createFromArray(1.0, 1.0, 0.0, 0.0));
        double[][] gradients = {{0.1, -0.2, 0.3, 0.0}, {-0.05, 0.4, 0.1, -0.3}, {0.2, 0.2, -0.2, 0.1}};
        double[] lrs = {0.01, 0.02, 0.005};
        double[][] pytorch = {
                {0.4895000009999999, -0.9890000004999999, 1.9900000003333334, 0.25},
                {0.4831536127205337, -0.9942894792804764, 1.9724007682249627, 0.2646991993618621},
                {0.4796683114884602, -0.9963891073445013, 1.9712545011040872, 0.26641339644532486}};
        for (int step = 0; step < 3; step++) {
            adamW.update(params, Nd4j.createFromArray(gradients[step]), lrs[step]);
            assertArrayEquals(pytorch[step], params.toDoubleVector(), 1e-12, "after step " + (step + 1));
        }
        assertEquals(3, adamW.updates());
    }

    @Test
    void theModelsMatricesDecayAndItsEmbeddingAndNormGainsDoNot() {
        ModelConfig model = TrainFixtures.MODEL;
        ComputationGraph net = PhiDecoder.build(model, PhiDecoder.Masking.CAUSAL,
                new NeuralNetConfiguration.Builder().seed(1).updater(new NoOp()).weightDecay(0.1, true));
        INDArray before = net.params().dup();
        INDArray mask = DecayMask.of(net);
        assertEquals(before, net.params(), "reading the mask leaves the weights as they were");

        long matrices = model.parameterCount() - (long) model.vocabSize() * model.dModel()
                - (2L * model.nLayers() + 1) * model.dModel();               // all but the embedding and gains
        assertEquals(matrices, mask.sumNumber().longValue());
        for (Map.Entry<String, INDArray> param : net.paramTable().entrySet()) {
            boolean matrix = param.getValue().rank() == 2 && !param.getKey().startsWith(PhiDecoder.EMBEDDING);
            net.params().assign(mask);
            double expected = matrix ? param.getValue().length() : 0;
            assertEquals(expected, param.getValue().sumNumber().doubleValue(), param.getKey());
        }
        net.params().assign(before);
    }
}
