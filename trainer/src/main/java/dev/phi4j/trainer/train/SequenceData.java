package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Packed sequences trained with next-token cross-entropy: pretraining, midtraining and SFT. The train split must
 * hold at least one sequence and, when the shards carry loss masks, at least one target the mask lets through.
 */
public final class SequenceData implements TrainingData {

    private final ShardSet shards;
    private final ShardSet.Split train;

    public SequenceData(ShardSet shards) {
        this.shards = shards;
        this.train = shards.split(ShardNames.TRAIN);
        if (train.size() == 0) {
            throw new IllegalArgumentException(shards.directory() + ": the train split is empty");
        }
        if (shards.manifest().lossMask() && !hasTarget(train)) {
            throw new IllegalArgumentException(shards.directory().resolve(ShardManifest.FILE_NAME) + ": the "
                    + ShardNames.TRAIN + " split's loss mask is 0 at every position of its " + train.size()
                    + " sequences: training would learn nothing. SFT trains on assistant turns only; check that the "
                    + "set has assistant messages");
        }
    }

    /** Whether any row has a trained target (a loss-mask entry at position ≥ 1); stops at the first. */
    private static boolean hasTarget(ShardSet.Split split) {
        for (TokenRow row : split) {
            for (int t = 1; t < row.lossMask().length; t++) {
                if (row.lossMask()[t]) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public ShardSet shards() {
        return shards;
    }

    @Override
    public long size() {
        return train.size();
    }

    @Override
    public int sequencesPerExample() {
        return 1;
    }

    @Override
    public MultiDataSet microBatch(List<Long> examples, int seqLen, PhiDecoder.Masking masking) {
        List<TokenRow> rows = new ArrayList<>(examples.size());
        examples.forEach(index -> rows.add(train.get(index)));
        return MicroBatches.of(rows, seqLen, masking);
    }

    @Override
    public List<MultiDataSet> validationBatches(int perBatch, int maxBatches, int seqLen, PhiDecoder.Masking masking) {
        List<MultiDataSet> batches = new ArrayList<>();
        if (!shards.hasSplit(ShardNames.VALIDATION)) {
            return batches;
        }
        ShardSet.Split validation = shards.split(ShardNames.VALIDATION);
        for (long from = 0; from < validation.size() && batches.size() < maxBatches; from += perBatch) {
            List<TokenRow> rows = new ArrayList<>();
            for (long i = from; i < Math.min(from + perBatch, validation.size()); i++) {
                rows.add(validation.get(i));
            }
            batches.add(MicroBatches.of(rows, seqLen, masking));
        }
        return batches;
    }

    @Override
    public Objective objective(ComputationGraph net) {
        return new NextTokenCrossEntropy(net);
    }
}
