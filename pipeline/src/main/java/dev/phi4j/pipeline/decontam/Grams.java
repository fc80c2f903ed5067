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

    /** Receives each n-gram of {@link #roll}: its hash and its first word. */
    interface Sink {
        void accept(long gram, int firstWord);
    }

    /**
     * The n-grams of {@code t} under {@code view}, in text order, handed to {@code sink}. With {@code bounded}, only
     * n-grams within one sentence.
     */
    static void roll(Tokens t, View view, int n, boolean bounded, Sink sink) {
        long pn = pow(n);
        long h = 0;
        int run = 0;
        for (int i = 0; i < t.count; i++) {
            h = h * P + word(t, i, view);
            run++;
            if (run > n) {
                h -= word(t, i - n, view) * pn;
            }
            if (run >= n) {
                sink.accept(h, i - n + 1);
            }
            if (bounded && (t.flags[i] & Tokens.SENTENCE_END) != 0) {
                h = 0;
                run = 0;
            }
        }
    }

    /**
     * The n-grams of {@link #roll} into arrays: {@code out[k]} the hash and {@code first[k]} its first word. Returns
     * how many.
     */
    static int of(Tokens t, View view, int n, boolean bounded, long[] out, int[] first) {
        int[] k = {0};
        roll(t, view, n, bounded, (gram, firstWord) -> {
            out[k[0]] = gram;
            first[k[0]] = firstWord;
            k[0]++;
        });
        return k[0];
    }

    /** The distinct hashes of {@link #of}, sorted. */
    static long[] distinct(Tokens t, View view, int n, boolean bounded) {
        long[] out = new long[Math.max(0, t.count)];
        int k = of(t, view, n, bounded, out, new int[out.length]);
        long[] grams = java.util.Arrays.copyOf(out, k);
        return Ngrams.distinctSorted(grams);
    }
}
