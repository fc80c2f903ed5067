package dev.phi4j.pipeline.decontam;

/**
 * Word n-gram hashes of a scanned text under one of three views, by a polynomial rolling hash (each n-gram in O(1),
 * nothing allocated per n-gram): {@code h = Σ w[i+j]·P^(n-1-j)} over the n word hashes, mod 2^64. The matchers'
 * hot loop computes the same values inline; this is the reference the benchmark side and the spans use.
 */
final class Grams {

    static final long P = 0xC2B2AE3D27D4EB4FL;

    /**
     * {@code WORDS}: the paper's view (lower case, punctuation deleted); {@code NUMBERS}: every word holding a digit
     * is one token; {@code NAMES}: numbers and every capitalised word masked.
     */
    enum View { WORDS, NUMBERS, NAMES }

    private Grams() {}

    static long pow(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= P;
        }
        return p;
    }

    static long word(Tokens t, int i, View view) {
        return switch (view) {
            case WORDS -> t.hashes[i];
            case NUMBERS -> t.masked(i, false);
            case NAMES -> t.masked(i, true);
        };
    }

    /**
     * The n-grams of {@code t} under {@code view}, in text order: {@code out[k]} the hash and {@code first[k]} its
     * first word. With {@code bounded}, only n-grams within one sentence. Returns how many.
     */
    static int of(Tokens t, View view, int n, boolean bounded, long[] out, int[] first) {
        long pn = pow(n);
        long h = 0;
        int run = 0;
        int k = 0;
        for (int i = 0; i < t.count; i++) {
            long w = word(t, i, view);
            h = h * P + w;
            run++;
            if (run > n) {
                h -= word(t, i - n, view) * pn;
            }
            if (run >= n) {
                out[k] = h;
                first[k] = i - n + 1;
                k++;
            }
            if (bounded && (t.flags[i] & Tokens.SENTENCE_END) != 0) {
                h = 0;
                run = 0;
            }
        }
        return k;
    }

    /** The distinct hashes of {@link #of}, sorted. */
    static long[] distinct(Tokens t, View view, int n, boolean bounded) {
        long[] out = new long[Math.max(0, t.count)];
        int k = of(t, view, n, bounded, out, new int[out.length]);
        long[] grams = java.util.Arrays.copyOf(out, k);
        return Ngrams.distinctSorted(grams);
    }
}
