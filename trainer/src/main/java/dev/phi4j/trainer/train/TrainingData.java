package dev.phi4j.trainer.train;

import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.model.PhiDecoder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;

/**
 * What a run trains on and the objective that scores it: sequences for next-token prediction
 * ({@link SequenceData}), or preference pairs for DPO ({@code trainer.align.PreferenceData}). The trainer draws
 * examples by index in its data order; an example is one sequence or, for a pair, two.
 */
public interface TrainingData {

    /** The shard set the examples come from; its manifest is checked against the model and fingerprints the run. */
    ShardSet shards();

    /** Training examples; the data order permutes {@code 0..size()−1}. */
    long size();

    /** Sequences of {@code context_length} tokens per example: 1, or 2 for a pair. */
    int sequencesPerExample();

    /** The training examples at these indices as one micro-batch. */
    MultiDataSet microBatch(List<Long> examples, int seqLen, PhiDecoder.Masking masking);

    /** The first {@code maxBatches} micro-batches of {@code perBatch} held-out examples, in order; none without. */
    List<MultiDataSet> validationBatches(int perBatch, int maxBatches, int seqLen, PhiDecoder.Masking masking);

    /** The objective these examples are trained with, on {@code net}. */
    Objective objective(ComputationGraph net);
}
