package dev.phi4j.pipeline.dedup;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * MinHash signatures of word shingles and their LSH band hashes (Broder 1997; Leskovec et al., Mining of Massive
 * Datasets §3.4). A text's words (letters and digits, lower-cased) form overlapping shingles of {@code shingleSize}
 * words; each shingle is hashed to 61 bits and each of {@code bands × rows} universal hash functions
 * {@code (a·x + b) mod (2⁶¹ − 1)} keeps its minimum over the shingles. Two texts with Jaccard similarity s share a
 * band (all of its rows equal) with probability 1 − (1 − sʳ)ᵇ.
 */
public final class MinHasher implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long PRIME = (1L << 61) - 1;

    private final int shingleSize;
    private final int bands;
    private final int rows;
    private final long[] a;
    private final long[] b;

    public MinHasher(int shingleSize, int bands, int rows, long seed) {
        this.shingleSize = shingleSize;
        this.bands = bands;
        this.rows = rows;
        SplittableRandom random = new SplittableRandom(seed);
        a = new long[bands * rows];
        b = new long[bands * rows];
        for (int i = 0; i < a.length; i++) {
            a[i] = 1 + random.nextLong(PRIME - 1);
            b[i] = random.nextLong(PRIME);
        }
    }

    /** The similarity at which a pair is found with probability ½: (1/b)^(1/r) approximately. */
    public double threshold() {
        return Math.pow(1.0 / bands, 1.0 / rows);
    }

    /** The MinHash signature: {@code bands × rows} minima; a text without words gets all-maximum values. */
    public long[] signature(String text) {
        long[] shingles = shingles(text);
        long[] signature = new long[a.length];
        java.util.Arrays.fill(signature, Long.MAX_VALUE);
        for (long shingle : shingles) {
            for (int i = 0; i < signature.length; i++) {
                long h = mulAddMod(a[i], shingle, b[i]);
                if (h < signature[i]) {
                    signature[i] = h;
                }
            }
        }
        return signature;
    }

    /** One hash per band over its rows of the signature. */
    public long[] bandHashes(long[] signature) {
        long[] hashes = new long[bands];
        for (int band = 0; band < bands; band++) {
            long h = 0x9E3779B97F4A7C15L * (band + 1);
            for (int row = 0; row < rows; row++) {
                h = mix(h ^ signature[band * rows + row]);
            }
            hashes[band] = h;
        }
        return hashes;
    }

    /** Estimated Jaccard similarity: the fraction of equal signature entries. */
    public static double similarity(long[] x, long[] y) {
        int equal = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                equal++;
            }
        }
        return (double) equal / x.length;
    }

    /** Distinct shingle hashes of the text's words (a text shorter than a shingle is one shingle). */
    long[] shingles(String text) {
        long[] words = new long[16];
        int wordCount = 0;
        long h = 0;
        int length = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c)) {
                h = (h ^ Character.toLowerCase(c)) * 0x100000001B3L;
                length++;
            } else if (length > 0) {
                if (wordCount == words.length) {
                    words = java.util.Arrays.copyOf(words, wordCount * 2);
                }
                words[wordCount++] = mix(h ^ length);
                h = 0;
                length = 0;
            }
        }
        if (wordCount == 0) {
            return new long[0];
        }
        int count = Math.max(1, wordCount - shingleSize + 1);
        long[] shingles = new long[count];
        for (int start = 0; start < count; start++) {
            long shingle = 0x2545F4914F6CDD1DL;
            for (int j = start; j < Math.min(wordCount, start + shingleSize); j++) {
                shingle = mix(shingle ^ words[j]);
            }
            shingles[start] = (shingle >>> 3) % PRIME;
        }
        java.util.Arrays.sort(shingles);
        int distinct = 1;
        for (int i = 1; i < shingles.length; i++) {
            if (shingles[i] != shingles[distinct - 1]) {
                shingles[distinct++] = shingles[i];
            }
        }
        return java.util.Arrays.copyOf(shingles, distinct);
    }

    /** (a·x + b) mod 2⁶¹ − 1 without overflow, for a, x, b &lt; 2⁶¹ − 1. */
    static long mulAddMod(long a, long x, long b) {
        long high = Math.multiplyHigh(a, x);
        long low = a * x;
        // a·x = high·2⁶⁴ + low; 2⁶¹ ≡ 1, so 2⁶⁴ ≡ 8 (mod 2⁶¹ − 1).
        long sum = (low & PRIME) + (low >>> 61) + (high << 3) + b;
        sum = (sum & PRIME) + (sum >>> 61);
        sum = (sum & PRIME) + (sum >>> 61);
        return sum >= PRIME ? sum - PRIME : sum;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
