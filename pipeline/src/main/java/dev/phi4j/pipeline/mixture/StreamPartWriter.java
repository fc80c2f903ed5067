package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.shard.SequencePacker;
import dev.phi4j.core.shard.TokenRow;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pretraining rows: the part's document copies, in order, as one {@code <|endoftext|>}-separated token stream cut into
 * rows by the shared {@link SequencePacker} (document starts per row, one-token overlap, the incomplete tail dropped).
 * Keeps track of which documents each row holds and how many stream tokens of each bucket were written.
 */
final class StreamPartWriter extends PartWriter {

    /** A document copy in the stream: positions [start, end), the separator first. */
    private record Placed(String id, int copy, int bucket, long start, long end) {}

    private final Output output;
    private final SequencePacker packer;
    private final ArrayDeque<Placed> open = new ArrayDeque<>();
    private final long seqLen;
    private long position;
    private long emitted;

    StreamPartWriter(ShardTarget target, String split, int shard) throws IOException {
        super(target, split, shard);
        this.output = new Output(split);
        this.seqLen = target.seqLen();
        this.packer = new SequencePacker(target.seqLen(), target.tokenizer().open().specialTokens().endOfText(),
                this::row);
    }

    @Override
    void add(Instance instance) {
        long length = instance.getTokens().length + 1L;
        open.addLast(new Placed(instance.getId(), instance.getCopy(), instance.getBucket(), position,
                position + length));
        position += length;
        bucketTokens[instance.getBucket()] += length;
        bucketInstances[instance.getBucket()]++;
        packer.add(instance.getTokens());
    }

    /** Row r holds stream positions [r·seq_len, r·seq_len + seq_len]. */
    private void row(TokenRow row) throws IOException {
        long from = emitted * seqLen;
        long to = from + seqLen;
        List<Placed> inRow = new ArrayList<>();
        for (Placed placed : open) {
            if (placed.start() <= to && placed.end() > from) {
                inRow.add(placed);
            }
        }
        String[] ids = new String[row.documentStarts().length];
        int[] copies = new int[ids.length];
        for (int d = 0; d < ids.length; d++) {
            Placed placed = inRow.get(d);
            ids[d] = placed.id();
            copies[d] = placed.copy();
        }
        output.append(row, ids, copies);
        emitted++;
        long nextFrom = emitted * seqLen;
        while (!open.isEmpty() && open.peekFirst().end() <= nextFrom) {
            open.removeFirst();
        }
    }

    @Override
    List<PackResult> finish() throws IOException {
        SequencePacker.Stats stats = packer.finish();
        long keptEnd = emitted == 0 ? 0 : emitted * seqLen + 1;
        for (Placed placed : open) {
            long lost = placed.end() - Math.max(placed.start(), keptEnd);
            if (lost > 0) {
                bucketTokens[placed.bucket()] -= lost;
                if (placed.start() >= keptEnd) {
                    bucketInstances[placed.bucket()]--;
                }
            }
        }
        List<PackResult> results = new ArrayList<>();
        results.add(output.finish(stats.droppedTailTokens()));
        results.addAll(rows);
        return results;
    }
}
