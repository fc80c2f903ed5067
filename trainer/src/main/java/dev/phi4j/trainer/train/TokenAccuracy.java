package dev.phi4j.trainer.train;

import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Next-token accuracy over the targets that count: how often the most likely token (greedy) is the label, where the
 * loss mask is 1. For SFT it is the share of assistant tokens, {@code <|im_end|>} included, that greedy decoding would
 * reproduce; a model that never learned to end its turn loses exactly those.
 */
final class TokenAccuracy {

    /** Correct predictions and targets, summed over batches. */
    record Count(double correct, double targets) {

        static final Count ZERO = new Count(0, 0);

        Count plus(Count other) {
            return new Count(correct + other.correct, targets + other.targets);
        }

        /** NaN when no target counted. */
        double accuracy() {
            return targets == 0 ? Double.NaN : correct / targets;
        }
    }

    private TokenAccuracy() {}

    static Count of(ComputationGraph net, MultiDataSet batch) {
        INDArray logits = PhiDecoder.logits(net, batch.getFeatures());                   // (B, T, vocab)
        long b = logits.size(0), t = logits.size(1);
        INDArray predicted = logits.argMax(2).castTo(DataType.FLOAT).reshape(b, t);
        INDArray labels = batch.getLabels(0).castTo(DataType.FLOAT).reshape(b, t);
        INDArray correct = predicted.eq(labels).castTo(DataType.FLOAT);                   // (B, T), 1 where right
        INDArray[] masks = batch.getLabelsMaskArrays();
        if (masks != null && masks[0] != null) {
            correct.muli(masks[0].castTo(DataType.FLOAT).reshape(b, t));
        }
        return new Count(correct.sumNumber().doubleValue(), MicroBatches.targets(batch));
    }
}
