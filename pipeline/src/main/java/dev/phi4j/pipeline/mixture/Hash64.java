package dev.phi4j.pipeline.mixture;

import java.nio.charset.StandardCharsets;

/**
 * Stable 64-bit hashes of strings under a salt: the same value on every JVM, executor and run, so sampling and
 * shuffling decisions depend only on a document's id, the run's seed and what the decision is for.
 */
final class Hash64 {

    private Hash64() {}

    static long of(long salt, String text) {
        long h = splitMix(salt ^ 0x9E3779B97F4A7C15L);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        h = splitMix(h ^ bytes.length);
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return splitMix(h);
    }

    /** A salt made of a seed and a purpose, e.g. {@code salt(seed, "extra:web")}. */
    static long salt(long seed, String purpose) {
        return of(seed, purpose);
    }

    /** A uniform number in [0, 1) from the top 53 bits of the hash. */
    static double unit(long salt, String text) {
        return (of(salt, text) >>> 11) * 0x1.0p-53;
    }

    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
