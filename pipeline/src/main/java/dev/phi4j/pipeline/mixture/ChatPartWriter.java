package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.shard.TokenRow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SFT rows: whole conversations placed one after another into rows of seq_len + 1 tokens (never split across rows),
 * each starting a document; a conversation that does not fit in what is left of a row starts the next one, and the
 * rest of the row is padding: {@code <|endoftext|>} tokens outside the loss, as a document of their own. With
 * {@code padded} packing every conversation gets its own row.
 */
final class ChatPartWriter extends PartWriter {

    private final Output output;
    private final boolean onePerRow;
    private final int padding;
    private final int[] tokens;
    private final boolean[] mask;
    private final List<Integer> starts = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<Integer> copies = new ArrayList<>();
    private int fill;

    ChatPartWriter(ShardTarget target, String split, int shard, boolean onePerRow) throws IOException {
        super(target, split, shard);
        this.output = new Output(split);
        this.onePerRow = onePerRow;
        this.padding = target.tokenizer().open().specialTokens().endOfText();
        this.tokens = new int[rowLength];
        this.mask = new boolean[rowLength];
    }

    @Override
    void add(Instance instance) throws IOException {
        int[] conversation = instance.getTokens();
        if (conversation.length > rowLength) {
            throw new IllegalStateException("conversation " + instance.getId() + " has " + conversation.length
                    + " tokens, more than a row of " + rowLength + "; it should have been dropped as too_long");
        }
        if (fill > 0 && (onePerRow || fill + conversation.length > rowLength)) {
            flush();
        }
        starts.add(fill);
        ids.add(instance.getId());
        copies.add(instance.getCopy());
        System.arraycopy(conversation, 0, tokens, fill, conversation.length);
        System.arraycopy(instance.getMask(), 0, mask, fill, conversation.length);
        fill += conversation.length;
        bucketTokens[instance.getBucket()] += conversation.length;
        bucketInstances[instance.getBucket()]++;
    }

    private void flush() throws IOException {
        if (fill < rowLength) {
            starts.add(fill);
            ids.add(null);
            copies.add(0);
            Arrays.fill(tokens, fill, rowLength, padding);
            Arrays.fill(mask, fill, rowLength, false);
            output.paddingTokens += rowLength - fill;
        }
        output.append(new TokenRow(tokens.clone(), starts.stream().mapToInt(Integer::intValue).toArray(),
                mask.clone()), ids.toArray(String[]::new), copies.stream().mapToInt(Integer::intValue).toArray());
        starts.clear();
        ids.clear();
        copies.clear();
        fill = 0;
    }

    @Override
    List<PackResult> finish() throws IOException {
        if (fill > 0) {
            flush();
        }
        List<PackResult> results = new ArrayList<>();
        results.add(output.finish(0));
        results.addAll(rows);
        return results;
    }
}
