package dev.phi4j.trainer.align;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;

/** log π(continuation | prompt) per row: minus the LM head's next-token loss summed over the row's masked positions. */
public final class SequenceLogProbs {

    private SequenceLogProbs() {}

    /** One log-probability per row of {@code rows} (tokens, labels and a 0/1 loss mask over the continuation). */
    public static double[] of(ComputationGraph net, MultiDataSet rows) {
        double[] nll = net.scoreExamples(rows, false).castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        for (int i = 0; i < nll.length; i++) {
            nll[i] = -nll[i];
        }
        return nll;
    }
}
