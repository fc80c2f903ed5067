package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.TokenRow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * DPO rows: pair i becomes row i of the {@code chosen} shard and row i of the {@code rejected} shard of the part
 * (splits {@code chosen}/{@code rejected} for training, {@code validation_chosen}/{@code validation_rejected} for the
 * held-out pairs). A row is the prompt, the continuation and padding ({@code <|endoftext|>}, a document of its own);
 * the loss mask covers the continuation only, so the trainer's summed log-probability of the masked targets is the
 * policy's log-probability of the continuation given the prompt.
 */
final class PairPartWriter extends PartWriter {

    private final Output chosen;
    private final Output rejected;
    private final int padding;

    PairPartWriter(ShardTarget target, String split, int shard) throws IOException {
        super(target, split, shard);
        String prefix = split.equals(ShardNames.TRAIN) ? "" : split + "_";
        this.chosen = new Output(prefix + "chosen");
        this.rejected = new Output(prefix + "rejected");
        this.padding = target.tokenizer().open().specialTokens().endOfText();
    }

    @Override
    void add(Instance instance) throws IOException {
        String[] ids = {instance.getId(), null};
        int[] copies = {0, 0};
        write(chosen, instance.getTokens(), instance.getChosen(), ids, copies);
        write(rejected, instance.getTokens(), instance.getRejected(), ids, copies);
        bucketTokens[instance.getBucket()] += 2L * instance.getTokens().length + instance.getChosen().length
                + instance.getRejected().length;
        bucketInstances[instance.getBucket()]++;
    }

    private void write(Output output, int[] prompt, int[] continuation, String[] ids, int[] copies) throws IOException {
        int length = prompt.length + continuation.length;
        if (length > rowLength) {
            throw new IllegalStateException("pair of " + length + " tokens exceeds a row of " + rowLength
                    + "; it should have been dropped as too_long");
        }
        int[] tokens = new int[rowLength];
        boolean[] mask = new boolean[rowLength];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(continuation, 0, tokens, prompt.length, continuation.length);
        for (int i = prompt.length; i < length; i++) {
            mask[i] = true;
        }
        for (int i = length; i < rowLength; i++) {
            tokens[i] = padding;
        }
        output.paddingTokens += rowLength - length;
        int[] starts = length < rowLength ? new int[] {0, length} : new int[] {0};
        output.append(new TokenRow(tokens, starts, mask), length < rowLength ? ids : new String[] {ids[0]},
                length < rowLength ? copies : new int[] {0});
    }

    @Override
    List<PackResult> finish() throws IOException {
        List<PackResult> results = new ArrayList<>();
        results.add(chosen.finish(0));
        PackResult second = rejected.finish(0);
        second.setBucketTokens(new long[bucketTokens.length]);           // the pair is counted once, with chosen
        second.setBucketInstances(new long[bucketInstances.length]);
        second.setSamplesJson(null);
        results.add(second);
        results.addAll(rows);
        return results;
    }
}
