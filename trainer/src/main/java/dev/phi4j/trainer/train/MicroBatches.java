package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Stored rows → the decoder's inputs: tokens {@code row[0..T)} (B, T), segment ids from the document starts (B, T)
 * under document masking, next-token labels {@code row[1..T]} (B, 1, T) and, when the shards carry loss masks, the
 * label mask {@code mask[1..T]} (B, T).
 */
public final class MicroBatches {

    private MicroBatches() {}

    public static MultiDataSet of(List<TokenRow> rows, int seqLen, PhiDecoder.Masking masking) {
        int b = rows.size();
        float[] tokens = new float[b * seqLen];
        float[] labels = new float[b * seqLen];
        float[] segments = masking == PhiDecoder.Masking.DOCUMENTS ? new float[b * seqLen] : null;
        float[] mask = rows.get(0).lossMask() != null ? new float[b * seqLen] : null;
        for (int r = 0; r < b; r++) {
            TokenRow row = rows.get(r);
            int base = r * seqLen;
            for (int t = 0; t < seqLen; t++) {
                tokens[base + t] = row.tokens()[t];
                labels[base + t] = row.tokens()[t + 1];
            }
            if (segments != null) {
                int[] starts = row.documentStarts();
                int document = 0;
                for (int t = 0; t < seqLen; t++) {
                    while (document + 1 < starts.length && starts[document + 1] <= t) {
                        document++;
                    }
                    segments[base + t] = document;
                }
            }
            if (mask != null) {
                for (int t = 0; t < seqLen; t++) {
                    mask[base + t] = row.lossMask()[t + 1] ? 1 : 0;
                }
            }
        }
        INDArray tokenArray = Nd4j.create(tokens, new long[] {b, seqLen}, DataType.FLOAT);      // (B, T)
        INDArray labelArray = Nd4j.create(labels, new long[] {b, 1, seqLen}, DataType.FLOAT);   // (B, 1, T)
        INDArray[] features = segments == null ? new INDArray[] {tokenArray}
                : new INDArray[] {tokenArray, Nd4j.create(segments, new long[] {b, seqLen}, DataType.FLOAT)};
        INDArray[] labelMasks = mask == null ? null
                : new INDArray[] {Nd4j.create(mask, new long[] {b, seqLen}, DataType.FLOAT)};     // (B, T)
        return new MultiDataSet(features, new INDArray[] {labelArray}, null, labelMasks);
    }

    /** Positions that count in the loss: the label mask's sum, or B·T without one. */
    public static double targets(MultiDataSet batch) {
        INDArray[] masks = batch.getLabelsMaskArrays();
        if (masks == null || masks[0] == null) {
            return batch.getLabels(0).length();
        }
        return masks[0].sumNumber().doubleValue();
    }
}
