package dev.phi4j.pipeline.decontam;

import java.util.Arrays;

/**
 * The decontamination view of a text (Phi-4 report, Appendix B.1): lower-cased words with punctuation stripped,
 * split on whitespace, each word remembering where it lies in the original text so that matches can be cut; and
 * 64-bit word hashes. The first implementation, by code point with {@link Character}'s tests: the
 * reference the scanner ({@link Tokens}) is checked against.
 */
final class PaperNormalisation {

    /** Word hashes and, for each word, its first and one-past-last character in the original text. */
    record Words(long[] hashes, int[] starts, int[] ends, int count) {}

    private PaperNormalisation() {}

    /**
     * Lower-cases, deletes punctuation and symbols (so {@code don't} is {@code dont} and {@code f(x)} is {@code fx}),
     * and splits on whitespace.
     */
    static Words words(String text) {
        int capacity = Math.max(16, text.length() / 5);
        long[] hashes = new long[capacity];
        int[] starts = new int[capacity];
        int[] ends = new int[capacity];
        int count = 0;
        long h = 0;
        int length = 0;
        int start = -1;
        int end = -1;
        for (int i = 0; i <= text.length(); i++) {
            int c = i < text.length() ? text.codePointAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                if (start < 0) {
                    start = i;
                }
                h = (h ^ Character.toLowerCase(c)) * 0x100000001B3L;
                length++;
                end = i + Character.charCount(c);
            } else if (Character.isWhitespace(c) || Character.isSpaceChar(c) || i == text.length()) {
                if (length > 0) {
                    if (count == hashes.length) {
                        hashes = Arrays.copyOf(hashes, count * 2);
                        starts = Arrays.copyOf(starts, count * 2);
                        ends = Arrays.copyOf(ends, count * 2);
                    }
                    hashes[count] = Ngrams.mix(h ^ length);
                    starts[count] = start;
                    ends[count] = end;
                    count++;
                }
                h = 0;
                length = 0;
                start = -1;
            }
            if (c > 0xFFFF) {
                i++;
            }
        }
        return new Words(hashes, starts, ends, count);
    }

    /** The normalised text itself: the words {@link #words} hashes, written out (for reading and testing). */
    static String normalized(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            int c = i < text.length() ? text.codePointAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                word.appendCodePoint(Character.toLowerCase(c));
            } else if ((Character.isWhitespace(c) || Character.isSpaceChar(c)) && word.length() > 0) {
                out.append(out.length() > 0 ? " " : "").append(word);
                word.setLength(0);
            }
            if (c > 0xFFFF) {
                i++;
            }
        }
        return out.toString();
    }
}
