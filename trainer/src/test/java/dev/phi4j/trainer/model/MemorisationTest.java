package dev.phi4j.trainer.model;

import dev.phi4j.core.model.ModelConfig;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole stack learns: a small byte-level model trained with Adam memorises a paragraph. */
class MemorisationTest {

    private static final String TEXT = "Phi-4 is a fourteen billion parameter language model whose training centres "
            + "on data quality. Synthetic data, written by other models from curated seeds, makes up much of the "
            + "pretraining mixture; web pages, code and books are filtered hard. Midtraining stretches the context "
            + "from four to sixteen thousand tokens, and post-training uses pivotal token search.";

    private static final int LENGTH = 64;
    private static final int ROWS = 4;
    private static final ModelConfig BYTES = new ModelConfig(256, 64, 2, 4, 2, 176, LENGTH, 10_000, 1e-5);
    private static final int MAX_STEPS = 300;

    @Test
    void tinyModelMemorisesAParagraph() {
        ComputationGraph net = PhiDecoder.build(BYTES, PhiDecoder.Masking.CAUSAL,
                new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(3e-3)));
        MultiDataSet paragraph = nextByteBatch(TEXT.getBytes(StandardCharsets.US_ASCII));

        double initial = perTokenLoss(net, paragraph);
        assertEquals(Math.log(256), initial, 0.2, "an untrained model should be uniform over the bytes");

        int step = 0;
        double loss = initial;
        while (loss >= 0.1 && step < MAX_STEPS) {
            net.fit(paragraph);
            loss = perTokenLoss(net, paragraph);
            step++;
        }
        assertTrue(loss < 0.1, "training loss " + loss + " after " + step + " steps");
    }

    /** DL4J's score is the loss summed over a sequence's positions, averaged over the minibatch. */
    private static double perTokenLoss(ComputationGraph net, MultiDataSet batch) {
        return net.score(batch, false) / LENGTH;
    }

    /** ROWS consecutive windows of the text; labels are the inputs shifted by one byte. */
    private static MultiDataSet nextByteBatch(byte[] text) {
        assertTrue(text.length > ROWS * LENGTH, "text too short for the batch");
        INDArray tokens = Nd4j.create(DataType.FLOAT, ROWS, LENGTH);
        INDArray labels = Nd4j.create(DataType.FLOAT, ROWS, 1, LENGTH);
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < LENGTH; t++) {
                tokens.putScalar(row, t, text[row * LENGTH + t]);
                labels.putScalar(row, 0, t, text[row * LENGTH + t + 1]);
            }
        }
        return new MultiDataSet(new INDArray[] {tokens}, new INDArray[] {labels});
    }
}
