package dev.phi4j.pipeline.dedup;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class MinHasherTest {

    private static final long PRIME = (1L << 61) - 1;

    @Test
    void mulAddModMatchesBigIntegerArithmetic() {
        SplittableRandom random = new SplittableRandom(7);
        BigInteger p = BigInteger.valueOf(PRIME);
        for (int i = 0; i < 100_000; i++) {
            long a = random.nextLong(PRIME);
            long x = random.nextLong(PRIME);
            long b = random.nextLong(PRIME);
            long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(x)).add(BigInteger.valueOf(b)).mod(p)
                    .longValueExact();
            assertEquals(expected, MinHasher.mulAddMod(a, x, b), a + "·" + x + "+" + b);
        }
        assertEquals(PRIME - 1, MinHasher.mulAddMod(PRIME - 1, 1, 0));
        assertEquals(0, MinHasher.mulAddMod(PRIME - 1, 1, 1));
    }

    /** Texts of distinct words whose shingle sets overlap by a chosen Jaccard similarity. */
    private static String[] pair(int shared, int own, int seed) {
        List<String> common = new ArrayList<>();
        for (int i = 0; i < shared; i++) {
            common.add("w" + seed + "x" + i);
        }
        StringBuilder a = new StringBuilder(String.join(" ", common));
        StringBuilder b = new StringBuilder(String.join(" ", common));
        for (int i = 0; i < own; i++) {
            a.append(" a").append(seed).append('y').append(i);
            b.append(" b").append(seed).append('y').append(i);
        }
        return new String[] {a.toString(), b.toString()};
    }

    @Test
    void signatureAgreementEstimatesTheJaccardSimilarityOfShingleSets() {
        MinHasher hasher = new MinHasher(1, 16, 8, 3);
        for (int shared : new int[] {0, 100, 300, 600}) {
            double sum = 0;
            int trials = 20;
            for (int t = 0; t < trials; t++) {
                String[] texts = pair(shared, 200, t * 1000 + shared);
                sum += MinHasher.similarity(hasher.signature(texts[0]), hasher.signature(texts[1]));
            }
            double jaccard = shared / (shared + 400.0);
            assertEquals(jaccard, sum / trials, 0.03, "Jaccard " + jaccard);
        }
    }

    @Test
    void bandCollisionsFollowTheLshCurve() {
        MinHasher hasher = new MinHasher(1, 14, 8, 11);
        assertEquals(Math.pow(1 / 14.0, 1 / 8.0), hasher.threshold(), 1e-12);
        int trials = 300;
        int[] found = new int[2];
        double[] jaccards = {0.9, 0.3};
        for (int t = 0; t < trials; t++) {
            for (int k = 0; k < 2; k++) {
                // s shared and o own words each: Jaccard = s / (s + 2o).
                int shared = (int) Math.round(200 * jaccards[k] / (1 - jaccards[k]));
                String[] texts = pair(shared, 100, t * 7 + k);
                long[] x = hasher.bandHashes(hasher.signature(texts[0]));
                long[] y = hasher.bandHashes(hasher.signature(texts[1]));
                for (int band = 0; band < x.length; band++) {
                    if (x[band] == y[band]) {
                        found[k]++;
                        break;
                    }
                }
            }
        }
        assertTrue(found[0] > 0.97 * trials, "J≈0.9 pairs found " + found[0] + "/" + trials);
        assertTrue(found[1] < 0.03 * trials, "J≈0.3 pairs found " + found[1] + "/" + trials);
    }

    @Test
    void shinglesIgnoreCaseAndPunctuationAndShortTextsAreOneShingle() {
        MinHasher hasher = new MinHasher(3, 2, 2, 1);
        assertArrayEquals(hasher.shingles("The cat, sat. ON the mat!"), hasher.shingles("the cat sat on the mat"));
        assertEquals(1, hasher.shingles("two words").length);
        assertEquals(0, hasher.shingles(" ... ").length);
    }
}
