package dev.phi4j.core.shard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Packs documents into fixed-length rows. Each document enters the token stream as {@code <|endoftext|>} followed by
 * its tokens, so the separator opens every document: the last token of a document learns to predict the separator,
 * and under document masking the separator is where the next document's attention and RoPE positions begin.
 *
 * <p>Row r holds stream tokens {@code [r·seqLen, r·seqLen + seqLen]}: consecutive rows share one token, so every
 * stream token after the first is a training target exactly once. A document longer than a row continues in the next
 * one (a document start at offset 0). The incomplete tail at {@link #finish} is dropped and counted.
 */
public final class SequencePacker {

    /** Receives each finished row. */
    @FunctionalInterface
    public interface RowSink {
        void accept(TokenRow row) throws IOException;
    }

    /** What went in and what came out. */
    public record Stats(long documents, long tokens, long rows, long droppedTailTokens) {}

    private final int seqLen;
    private final int separator;
    private final RowSink sink;
    private final int[] row;
    private int[] starts = new int[8];
    private int startCount;
    private int fill;
    private long documents;
    private long tokens;
    private long rows;

    /**
     * @param seqLen    the model's context length; rows hold {@code seqLen + 1} tokens
     * @param separator the {@code <|endoftext|>} id
     */
    public SequencePacker(int seqLen, int separator, RowSink sink) {
        this.seqLen = seqLen;
        this.separator = separator;
        this.sink = sink;
        this.row = new int[seqLen + 1];
    }

    public void add(int[] document) {
        documents++;
        push(separator, true);
        for (int token : document) {
            push(token, false);
        }
    }

    private void push(int token, boolean startsDocument) {
        if (fill == 0 || startsDocument) {
            if (startCount == starts.length) {
                starts = Arrays.copyOf(starts, startCount * 2);
            }
            starts[startCount++] = fill;
        }
        row[fill++] = token;
        tokens++;
        if (fill == row.length) {
            emit();
        }
    }

    private void emit() {
        try {
            sink.accept(new TokenRow(row.clone(), Arrays.copyOf(starts, startCount)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows++;
        row[0] = row[seqLen];               // the overlap token opens the next row (a start or a continuation)
        fill = 1;
        starts[0] = 0;
        startCount = 1;
    }

    /** Drops the incomplete last row and reports the totals. */
    public Stats finish() {
        long dropped = rows == 0 ? fill : fill - 1;
        return new Stats(documents, tokens, rows, dropped);
    }
}
