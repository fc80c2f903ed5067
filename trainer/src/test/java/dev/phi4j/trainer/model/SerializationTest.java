package dev.phi4j.trainer.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints: the custom vertices and layers survive DL4J's JSON, weights and Adam state survive the zip. */
class SerializationTest {

    @ParameterizedTest
    @EnumSource(PhiDecoder.Masking.class)
    void restoredNetworkComputesAndTrainsOnIdentically(PhiDecoder.Masking masking, @TempDir Path dir)
            throws IOException {
        ComputationGraph net = PhiDecoder.build(TinyModels.GQA, masking, TinyModels.doubleTraining(21)
                .updater(new Adam(1e-2)));
        net.fit(batch(masking, 22));                      // so that the Adam moments are not zero

        File checkpoint = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, checkpoint, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(checkpoint, true);

        assertEquals(net.getConfiguration(), ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson()));
        assertEquals(net.getConfiguration().toJson(), restored.getConfiguration().toJson());
        MultiDataSet next = batch(masking, 23);
        assertEquals(0.0, TinyModels.maxAbsDifference(net.outputSingle(next.getFeatures()),
                restored.outputSingle(next.getFeatures())));

        net.fit(next);
        restored.fit(next);
        assertEquals(0.0, TinyModels.maxAbsDifference(net.params(), restored.params()));
    }

    @ParameterizedTest
    @EnumSource(PhiDecoder.Masking.class)
    void configurationSurvivesJsonAndCloning(PhiDecoder.Masking masking) {
        ComputationGraphConfiguration configuration = PhiDecoder.configuration(TinyModels.GQA, masking,
                TinyModels.doubleTraining(24).updater(new Adam(1e-2)));

        assertEquals(configuration, ComputationGraphConfiguration.fromJson(configuration.toJson()));
        assertEquals(configuration, configuration.clone());
    }

    private static MultiDataSet batch(PhiDecoder.Masking masking, long seed) {
        int vocab = TinyModels.GQA.vocabSize();
        int length = TinyModels.GQA.contextLength();
        INDArray tokens = TinyModels.randomTokens(2, length, vocab, seed);
        INDArray labels = TinyModels.asLabels(TinyModels.randomTokens(2, length, vocab, seed + 100));
        INDArray[] features = masking == PhiDecoder.Masking.DOCUMENTS
                ? new INDArray[] {tokens, Nd4j.createFromArray(new double[][] {{0, 0, 1, 1, 1}, {0, 0, 0, 0, 0}})
                        .castTo(DataType.DOUBLE)}
                : new INDArray[] {tokens};
        return new MultiDataSet(features, new INDArray[] {labels});
    }

    @Test
    void ropeScalingSurvivesTheCheckpointAndChangesTheOutput(@TempDir Path dir) throws IOException {
        ComputationGraph scaled = TinyModels.inDouble(TinyModels.YARN, PhiDecoder.Masking.CAUSAL, 31);
        ComputationGraph plain = TinyModels.inDouble(TinyModels.GQA, PhiDecoder.Masking.CAUSAL, 31);
        File checkpoint = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(scaled, checkpoint, false);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(checkpoint, false);
        INDArray tokens = TinyModels.randomTokens(2, 5, 11, 32);

        assertEquals(TinyModels.YARN, blockConfig(restored).getModel());
        assertEquals(0.0, TinyModels.maxAbsDifference(PhiDecoder.logits(scaled, tokens), PhiDecoder.logits(restored,
                tokens)));
        assertTrue(TinyModels.maxAbsDifference(PhiDecoder.logits(scaled, tokens), PhiDecoder.logits(plain, tokens))
                > 1e-6, "the same weights with stretched RoPE give other logits");
    }

    private static DecoderBlock blockConfig(ComputationGraph net) {
        return net.getConfiguration().getVertices().values().stream().filter(DecoderBlock.class::isInstance)
                .map(DecoderBlock.class::cast).findFirst().orElseThrow();
    }
}
