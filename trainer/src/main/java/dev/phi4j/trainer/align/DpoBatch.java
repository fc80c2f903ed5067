package dev.phi4j.trainer.align;

import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.MicroBatches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * A micro-batch of K preference pairs as the decoder reads it: rows 0..K−1 are the chosen sequences and K..2K−1 the
 * rejected ones (prompt and continuation), with next-token labels, the continuation's loss mask (B, T) and the
 * reference model's log-probability of each row's continuation. The reference log-probabilities travel as a second
 * labels array, so that a batch stays one {@link MultiDataSet} through the trainer's step.
 */
public record DpoBatch(MultiDataSet rows, INDArray mask, double[] referenceLogps) {

    public int pairs() {
        return referenceLogps.length / 2;
    }

    /** Pairs i: {@code chosen.get(i)} and {@code rejected.get(i)}, with the reference's log-probs in the same order. */
    public static MultiDataSet of(List<TokenRow> chosen, List<TokenRow> rejected, double[] referenceChosen,
                                  double[] referenceRejected, int seqLen, PhiDecoder.Masking masking) {
        if (chosen.size() != rejected.size() || referenceChosen.length != chosen.size()
                || referenceRejected.length != chosen.size()) {
            throw new IllegalArgumentException("a pair needs a chosen row, a rejected row and both reference "
                    + "log-probs: got " + chosen.size() + ", " + rejected.size() + ", " + referenceChosen.length
                    + ", " + referenceRejected.length);
        }
        List<TokenRow> rows = new ArrayList<>(chosen);
        rows.addAll(rejected);
        MultiDataSet batch = MicroBatches.of(rows, seqLen, masking);
        double[] reference = new double[rows.size()];
        System.arraycopy(referenceChosen, 0, reference, 0, chosen.size());
        System.arraycopy(referenceRejected, 0, reference, chosen.size(), chosen.size());
        return new MultiDataSet(batch.getFeatures(), new INDArray[] {batch.getLabels(0),
                Nd4j.createFromArray(reference).reshape(rows.size(), 1)}, null,
                new INDArray[] {batch.getLabelsMaskArrays()[0], null});
    }

    /** The batch {@link #of} built, taken apart. */
    static DpoBatch of(MultiDataSet batch) {
        INDArray[] labels = batch.getLabels();
        INDArray[] masks = batch.getLabelsMaskArrays();
        if (labels.length != 2 || masks == null || masks[0] == null) {
            throw new IllegalArgumentException("not a DPO batch: it needs next-token labels, reference log-probs "
                    + "and the continuation's loss mask (DpoBatch.of)");
        }
        MultiDataSet rows = new MultiDataSet(batch.getFeatures(), new INDArray[] {labels[0]}, null,
                new INDArray[] {masks[0]});
        return new DpoBatch(rows, masks[0], labels[1].castTo(DataType.DOUBLE).reshape(-1).toDoubleVector());
    }
}
