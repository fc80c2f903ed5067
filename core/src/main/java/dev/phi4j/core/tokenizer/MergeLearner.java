package dev.phi4j.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Learns BPE merges from pre-token counts, incrementally: it keeps the count of every adjacent pair, the
 * words each pair occurs in, and a priority queue of pairs. A merge rewrites only the words that contain
 * the pair and adjusts the counts of the pairs around each occurrence, so the cost of a merge is the size
 * of those words, not of the corpus.
 *
 * <p>The queue is invalidated lazily: counts of existing pairs only ever fall (a merge creates pairs only
 * with the new token), so an entry whose count is out of date is too high and is re-queued with the
 * current count when it reaches the top. Equal counts are ordered by the pair's bytes, so the merges
 * depend only on the counts, never on the order words were seen.
 */
final class MergeLearner {

    private final int[][] words;
    private final int[] lengths;
    private final long[] frequencies;
    private final Map<Long, PairStats> pairs = new HashMap<>();
    private final PriorityQueue<Candidate> queue;
    private final List<byte[]> tokenBytes = new ArrayList<>();
    private final Set<String> existingTokens = new HashSet<>();

    /** Occurrences of one pair: summed over words, weighted by word frequency. */
    private static final class PairStats {
        long count;
        final IntList words = new IntList(4);
        int lastWord = -1;
    }

    private record Candidate(int left, int right, long count) {}

    MergeLearner(Map<String, Long> preTokenCounts) {
        for (int b = 0; b < BpeTokenizer.BYTE_TOKENS; b++) {
            addToken(new byte[] {(byte) b});
        }
        queue = new PriorityQueue<>(Comparator.comparingLong(Candidate::count).reversed()
                .thenComparing((a, b) -> Arrays.compareUnsigned(tokenBytes.get(a.left()), tokenBytes.get(b.left())))
                .thenComparing((a, b) -> Arrays.compareUnsigned(tokenBytes.get(a.right()), tokenBytes.get(b.right()))));
        List<String> pieces = preTokenCounts.keySet().stream().sorted().toList();
        words = new int[pieces.size()][];
        lengths = new int[pieces.size()];
        frequencies = new long[pieces.size()];
        for (int w = 0; w < pieces.size(); w++) {
            byte[] bytes = pieces.get(w).getBytes(StandardCharsets.UTF_8);
            words[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                words[w][i] = bytes[i] & 0xFF;
            }
            lengths[w] = bytes.length;
            frequencies[w] = preTokenCounts.get(pieces.get(w));
            for (int i = 0; i + 1 < bytes.length; i++) {
                add(words[w][i], words[w][i + 1], frequencies[w], w);
            }
        }
        pairs.forEach((key, stats) -> queue.add(new Candidate(left(key), right(key), stats.count)));
    }

    /**
     * Learns up to {@code maxMerges} merges, stopping early when no pair occurs {@code minPairFrequency}
     * times. A pair whose bytes some earlier merge already produced is never merged: the file format names
     * tokens by their bytes, so they must be unique, and such pairs are rare enough not to matter.
     */
    List<BpeMerge> learn(int maxMerges, int minPairFrequency, IntConsumer mergesDone) {
        List<BpeMerge> merges = new ArrayList<>();
        while (merges.size() < maxMerges && !queue.isEmpty()) {
            Candidate top = queue.poll();
            long key = key(top.left(), top.right());
            PairStats stats = pairs.get(key);
            if (stats == null) {
                continue;
            }
            if (stats.count != top.count()) {
                queue.add(new Candidate(top.left(), top.right(), stats.count));
                continue;
            }
            if (stats.count < minPairFrequency) {
                break;
            }
            pairs.remove(key);
            byte[] joined = concat(tokenBytes.get(top.left()), tokenBytes.get(top.right()));
            if (existingTokens.contains(latin1(joined))) {
                continue;
            }
            int id = addToken(joined);
            merges.add(new BpeMerge(top.left(), top.right()));
            apply(top.left(), top.right(), id, stats.words);
            mergesDone.accept(merges.size());
        }
        return merges;
    }

    /**
     * Replaces every occurrence of (a, b) with {@code id} in the listed words (some of which may no longer
     * contain the pair), left to right without overlap as the encoder does. Around each occurrence the pair
     * with the previous symbol and the pair with the next symbol move to the new token; because the words
     * are rewritten in place, "previous" is already the merged token when occurrences are adjacent.
     */
    private void apply(int a, int b, int id, IntList candidateWords) {
        Set<Long> created = new LinkedHashSet<>();
        for (int w : candidateWords.toArray()) {
            int[] word = words[w];
            long f = frequencies[w];
            int out = 0;
            for (int i = 0; i < lengths[w]; ) {
                if (i + 1 < lengths[w] && word[i] == a && word[i + 1] == b) {
                    if (out > 0) {
                        remove(word[out - 1], a, f);
                        add(word[out - 1], id, f, w);
                        created.add(key(word[out - 1], id));
                    }
                    if (i + 2 < lengths[w]) {
                        remove(b, word[i + 2], f);
                        add(id, word[i + 2], f, w);
                        created.add(key(id, word[i + 2]));
                    }
                    word[out++] = id;
                    i += 2;
                } else {
                    word[out++] = word[i++];
                }
            }
            lengths[w] = out;
        }
        for (long key : created) {
            PairStats stats = pairs.get(key);
            if (stats != null) {
                queue.add(new Candidate(left(key), right(key), stats.count));
            }
        }
    }

    private void add(int left, int right, long f, int word) {
        PairStats stats = pairs.computeIfAbsent(key(left, right), k -> new PairStats());
        stats.count += f;
        if (stats.lastWord != word) {
            stats.words.add(word);
            stats.lastWord = word;
        }
    }

    /** Pairs already merged or dropped are absent; their counts no longer matter. */
    private void remove(int left, int right, long f) {
        long key = key(left, right);
        PairStats stats = pairs.get(key);
        if (stats != null) {
            stats.count -= f;
            if (stats.count == 0) {
                pairs.remove(key);
            }
        }
    }

    private int addToken(byte[] bytes) {
        tokenBytes.add(bytes);
        existingTokens.add(latin1(bytes));
        return tokenBytes.size() - 1;
    }

    /** Bytes as a string of chars 0..255, one per byte: a set element with value equality. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] left, byte[] right) {
        byte[] joined = Arrays.copyOf(left, left.length + right.length);
        System.arraycopy(right, 0, joined, left.length, right.length);
        return joined;
    }

    private static long key(int left, int right) {
        return (long) left << 32 | right;
    }

    private static int left(long key) {
        return (int) (key >>> 32);
    }

    private static int right(long key) {
        return (int) key;
    }
}
