package dev.phi4j.pipeline.decontam;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Phi-4's hybrid n-gram test for one document against every benchmark item at once; broadcast to executors.
 */
final class Matcher implements Serializable {

    private static final long serialVersionUID = 1L;

    enum Status { CONTAMINATED, PARTIAL, CLEAN }

    /**
     * The verdict: the item judged against (the most 13-gram hits, else the best overlap ratio), its 7-gram
     * overlap ratio, the rule that decided, and the character spans of the document that match the item. {@code items}
     * holds every item the document hits, in item index order: contaminated by a 13-gram or by its own overlap ratio,
     * or partial. A document quoting several benchmark items is judged (and cut) by one, but all of them are no longer
     * clean for evaluation.
     */
    record Result(Status status, String rule, int item, double ratio, List<int[]> spans, Map<Integer, Status> items) {}

    private final NgramIndex longGrams;
    private final NgramIndex overlap;
    private final int[] itemOverlapCounts;
    private final int n;
    private final int m;
    private final double contaminatedRatio;
    private final double partialRatio;

    Matcher(NgramIndex longGrams, NgramIndex overlap, int[] itemOverlapCounts, int n, int m, double contaminatedRatio,
            double partialRatio) {
        this.longGrams = longGrams;
        this.overlap = overlap;
        this.itemOverlapCounts = itemOverlapCounts;
        this.n = n;
        this.m = m;
        this.contaminatedRatio = contaminatedRatio;
        this.partialRatio = partialRatio;
    }

    Result match(String text) {
        Ngrams.Words words = Ngrams.words(text);
        Map<Integer, Integer> longHits = new HashMap<>();
        for (int i = 0; i + n <= words.count(); i++) {
            int found = longGrams.find(words.ngram(i, n));
            if (found >= 0) {
                for (int p = longGrams.from(found); p < longGrams.to(found); p++) {
                    longHits.merge(longGrams.item(p), 1, Integer::sum);
                }
            }
        }
        long[] docGrams = words.ngrams(m);
        long[] distinct = Ngrams.distinctSorted(docGrams);
        Map<Integer, Integer> shared = new HashMap<>();
        for (long gram : distinct) {
            int found = overlap.find(gram);
            if (found >= 0) {
                for (int p = overlap.from(found); p < overlap.to(found); p++) {
                    shared.merge(overlap.item(p), 1, Integer::sum);
                }
            }
        }
        int bestItem = -1;
        double bestRatio = 0;
        for (Map.Entry<Integer, Integer> entry : shared.entrySet()) {
            double ratio = ratio(entry.getValue(), distinct.length, entry.getKey());
            if (ratio > bestRatio || ratio == bestRatio && bestItem >= 0 && entry.getKey() < bestItem) {
                bestRatio = ratio;
                bestItem = entry.getKey();
            }
        }
        Map<Integer, Status> items = itemsHit(longHits, shared, distinct.length);
        if (!longHits.isEmpty()) {
            int item = longHits.entrySet().stream()
                    .max(Comparator.<Map.Entry<Integer, Integer>>comparingInt(Map.Entry::getValue)
                            .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                    .orElseThrow().getKey();
            double ratio = ratio(shared.getOrDefault(item, 0), distinct.length, item);
            return new Result(Status.CONTAMINATED, n + "gram", item, ratio, spans(words, docGrams, item), items);
        }
        if (bestItem < 0 || bestRatio < partialRatio) {
            return new Result(Status.CLEAN, null, -1, bestRatio, List.of(), items);
        }
        return new Result(overlapStatus(bestRatio), m + "gram", bestItem, bestRatio, spans(words, docGrams, bestItem),
                items);
    }

    /** Every item with a long n-gram hit is contaminated; any other is judged by its own overlap ratio. */
    private Map<Integer, Status> itemsHit(Map<Integer, Integer> longHits, Map<Integer, Integer> shared, int docGrams) {
        Map<Integer, Status> items = new TreeMap<>();
        longHits.keySet().forEach(item -> items.put(item, Status.CONTAMINATED));
        shared.forEach((item, grams) -> {
            double ratio = ratio(grams, docGrams, item);
            if (!items.containsKey(item) && ratio >= partialRatio) {
                items.put(item, overlapStatus(ratio));
            }
        });
        return items;
    }

    private Status overlapStatus(double ratio) {
        return ratio >= contaminatedRatio ? Status.CONTAMINATED : Status.PARTIAL;
    }

    private double ratio(int sharedGrams, int docGrams, int item) {
        int smaller = Math.min(docGrams, itemOverlapCounts[item]);
        return smaller == 0 ? 0 : (double) sharedGrams / smaller;
    }

    /** Character spans of the document's long n-grams and overlap n-grams that {@code item} holds, merged. */
    private List<int[]> spans(Ngrams.Words words, long[] docGrams, int item) {
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i + n <= words.count(); i++) {
            if (holds(longGrams, words.ngram(i, n), item)) {
                spans.add(new int[] {words.starts()[i], words.ends()[i + n - 1]});
            }
        }
        for (int i = 0; i < docGrams.length; i++) {
            if (holds(overlap, docGrams[i], item)) {
                spans.add(new int[] {words.starts()[i], words.ends()[i + m - 1]});
            }
        }
        spans.sort(Comparator.comparingInt(span -> span[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] span : spans) {
            if (!merged.isEmpty() && span[0] <= merged.get(merged.size() - 1)[1] + 1) {
                merged.get(merged.size() - 1)[1] = Math.max(merged.get(merged.size() - 1)[1], span[1]);
            } else {
                merged.add(span.clone());
            }
        }
        return merged;
    }

    private static boolean holds(NgramIndex index, long gram, int item) {
        int found = index.find(gram);
        if (found < 0) {
            return false;
        }
        for (int p = index.from(found); p < index.to(found); p++) {
            if (index.item(p) == item) {
                return true;
            }
        }
        return false;
    }

    /** The text with {@code spans} removed, the pieces joined by a single space or newline. */
    static String cut(String text, List<int[]> spans) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int[] span : spans) {
            out.append(text, at, span[0]);
            at = span[1];
        }
        out.append(text.substring(at));
        return out.toString().replaceAll("[ \\t]{2,}", " ").replaceAll("\\n{3,}", "\n\n").strip();
    }
}
