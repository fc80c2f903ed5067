package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.Arrays;
import java.util.List;

/**
 * One training sequence of a token shard: documents' tokens concatenated to the context length, with
 * where each document starts so attention can be masked at document boundaries.
 *
 * <p>The arrays are not copied: shards hold billions of tokens and the trainer reads them in a hot
 * loop. Whoever passes an array in hands it over and must not change it afterwards. {@code equals},
 * {@code hashCode} and {@code toString} compare and print the arrays' contents.
 */
@Doc("one packed training sequence of a token shard, with document boundaries for attention masking")
public record PackedSequence(
        @Doc("position of this sequence in the shard, from 0") long index,
        @Doc("token ids") int[] tokens,
        @Doc("offset in tokens where each packed document (or its continuation) starts; first is 0") int[] documentStarts,
        @Doc("ids of the packed documents, one per document_starts entry") List<String> documentIds) {

    public PackedSequence {
        if (index < 0) {
            throw new IllegalArgumentException("PackedSequence.index must be ≥ 0, got " + index);
        }
        Require.nonNull(tokens, "PackedSequence.tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("PackedSequence.tokens must not be empty");
        }
        Require.nonNull(documentStarts, "PackedSequence.documentStarts");
        documentIds = Require.nonEmpty(documentIds, "PackedSequence.documentIds");
        checkStarts(documentStarts, tokens.length, documentIds.size());
        for (int i = 0; i < documentIds.size(); i++) {
            Require.id(IdKind.DOCUMENT, documentIds.get(i), "PackedSequence.documentIds[" + i + "]");
        }
    }

    /** Every token belongs to exactly one document: starts begin at 0, increase, and stay inside the sequence. */
    private static void checkStarts(int[] starts, int length, int documents) {
        if (starts.length != documents) {
            throw new IllegalArgumentException("PackedSequence.documentStarts has " + starts.length
                    + " entries but PackedSequence.documentIds has " + documents);
        }
        if (starts[0] != 0) {
            throw new IllegalArgumentException("PackedSequence.documentStarts[0] must be 0, got " + starts[0]);
        }
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] <= starts[i - 1] || starts[i] >= length) {
                throw new IllegalArgumentException("PackedSequence.documentStarts[" + i + "] = " + starts[i]
                        + " must be above the previous start (" + starts[i - 1] + ") and below the sequence length ("
                        + length + ")");
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PackedSequence that
                && index == that.index
                && Arrays.equals(tokens, that.tokens)
                && Arrays.equals(documentStarts, that.documentStarts)
                && documentIds.equals(that.documentIds);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Long.hashCode(index) + Arrays.hashCode(tokens)) + Arrays.hashCode(documentStarts))
                + documentIds.hashCode();
    }

    @Override
    public String toString() {
        return "PackedSequence[index=" + index + ", tokens=" + Arrays.toString(tokens) + ", documentStarts="
                + Arrays.toString(documentStarts) + ", documentIds=" + documentIds + "]";
    }
}
