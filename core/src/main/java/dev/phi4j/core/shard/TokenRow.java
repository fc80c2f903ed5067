package dev.phi4j.core.shard;

import java.util.Arrays;

/**
 * One stored row of a shard: {@code seq_len + 1} token ids, where each packed document starts, and optionally which
 * positions count in the loss. The trainer feeds {@code tokens[0..seq_len)} as inputs and {@code tokens[1..seq_len]}
 * as their next-token targets; the mask, when present, is read at the target positions.
 *
 * <p>The arrays are handed over, not copied: whoever passes one in must not change it afterwards.
 *
 * @param tokens         token ids, {@code seq_len + 1} of them
 * @param documentStarts increasing offsets in {@code tokens} where a document (or its continuation from the
 *                       previous row) starts; the first is always 0
 * @param lossMask       per position, whether predicting that token counts in the loss; {@code null} when the shard
 *                       set stores no masks (every target counts)
 */
public record TokenRow(int[] tokens, int[] documentStarts, boolean[] lossMask) {

    public TokenRow {
        if (tokens == null || tokens.length < 2) {
            throw new IllegalArgumentException("a token row needs at least 2 tokens (inputs and their targets)");
        }
        if (documentStarts == null || documentStarts.length == 0 || documentStarts[0] != 0) {
            throw new IllegalArgumentException("document starts must begin with 0, got "
                    + (documentStarts == null ? "null" : Arrays.toString(documentStarts)));
        }
        for (int i = 1; i < documentStarts.length; i++) {
            if (documentStarts[i] <= documentStarts[i - 1] || documentStarts[i] >= tokens.length) {
                throw new IllegalArgumentException("document starts must increase and stay below the row length "
                        + tokens.length + ", got " + Arrays.toString(documentStarts));
            }
        }
        if (lossMask != null && lossMask.length != tokens.length) {
            throw new IllegalArgumentException("loss mask has " + lossMask.length + " entries for " + tokens.length
                    + " tokens");
        }
    }

    /** A row without a loss mask. */
    public TokenRow(int[] tokens, int[] documentStarts) {
        this(tokens, documentStarts, null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenRow that && Arrays.equals(tokens, that.tokens)
                && Arrays.equals(documentStarts, that.documentStarts) && Arrays.equals(lossMask, that.lossMask);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(tokens) + Arrays.hashCode(documentStarts)) + Arrays.hashCode(lossMask);
    }

    @Override
    public String toString() {
        return "TokenRow[tokens=" + Arrays.toString(tokens) + ", documentStarts=" + Arrays.toString(documentStarts)
                + (lossMask == null ? "" : ", lossMask=" + Arrays.toString(lossMask)) + "]";
    }
}
