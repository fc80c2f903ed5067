package dev.phi4j.bench.pipeline;

import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The decontamination matcher as it was before issue #19 (stage version 2), kept here as the benchmark's baseline:
 * the paper's 13-gram + 7-gram-ratio rule with words hashed by {@code codePointAt} and {@code Character} calls, each
 * n-gram re-hashed from its n words, the document's 7-grams sorted to count distinct ones, a binary search per n-gram
 * in sorted keys and {@code HashMap<Integer, Integer>} counts. {@link #apply} marks rows the way the old stage did
 * (same verdict metadata, contaminated rows dropped), against GSM8K test and HumanEval with the GSM8K-train
 * allow-list, the index built on the driver.
 */
final class PaperMatcherBaseline {

    private PaperMatcherBaseline() {}

    /** The old stage's map over {@code in}: rows with {@code decontam.*} metadata, contaminated ones dropped. */
    static Dataset<Row> apply(SparkSession spark, Dataset<Row> in, Path datasets) throws IOException {
        Broadcast<OldMatcher> shared = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(
                matcher(datasets));
        return StageRows.withReason(in).map((MapFunction<Row, Row>) row -> {
            String text = row.getString(StageRows.TEXT);
            OldMatcher.Result result = shared.value().match(text);
            if (result.status() == OldMatcher.Status.CLEAN) {
                return row;
            }
            boolean contaminated = result.status() == OldMatcher.Status.CONTAMINATED;
            Map<String, String> verdict = new LinkedHashMap<>();
            verdict.put("decontam.status", contaminated ? "contaminated" : "partial");
            verdict.put("decontam.rule", result.rule());
            verdict.put("decontam.item", Integer.toString(result.item()));
            verdict.put("decontam.ratio", String.format(Locale.ROOT, "%.3f", result.ratio()));
            if (!result.spans().isEmpty()) {
                int[] span = result.spans().get(0);
                verdict.put("decontam.span", StageRows.excerpt(text.substring(span[0], span[1]), 300));
            }
            verdict.put("decontam.items", result.items().toString());
            Row rewritten = StageRows.rewrite(row, text, verdict, null);
            return contaminated ? StageRows.drop(rewritten, "contaminated") : rewritten;
        }, StageRows.encoder());
    }

    /** The old matcher alone, as a function text → rule that flags it as contaminated (null otherwise). */
    static java.util.function.Function<String, String> judge(Path datasets) throws IOException {
        OldMatcher matcher = matcher(datasets);
        return text -> {
            OldMatcher.Result result = matcher.match(text);
            return result.status() == OldMatcher.Status.CONTAMINATED ? result.rule() : null;
        };
    }

    private static OldMatcher matcher(Path datasets) throws IOException {
        List<String> items = new ArrayList<>();
        for (String line : Files.readAllLines(datasets.resolve("gsm8k/test.jsonl"))) {
            items.add(JSON.readTree(line).get("question").asText());
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(datasets.resolve("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                items.add(JSON.readTree(line).get("prompt").asText());
            }
        }
        List<long[]> longGrams = new ArrayList<>();
        List<long[]> overlapGrams = new ArrayList<>();
        Set<Long> benchmarkLong = new HashSet<>();
        for (String item : items) {
            OldNgrams.Words words = OldNgrams.words(item);
            longGrams.add(OldNgrams.distinctSorted(words.ngrams(13)));
            overlapGrams.add(OldNgrams.distinctSorted(words.ngrams(7)));
            for (long gram : longGrams.get(longGrams.size() - 1)) {
                benchmarkLong.add(gram);
            }
        }
        Set<Long> allowed = new HashSet<>();
        for (String line : Files.readAllLines(datasets.resolve("gsm8k/train.jsonl"))) {
            var row = JSON.readTree(line);
            for (long gram : OldNgrams.words(row.get("question").asText() + "\n" + row.get("answer").asText())
                    .ngrams(13)) {
                if (benchmarkLong.contains(gram)) {
                    allowed.add(gram);
                }
            }
        }
        return new OldMatcher(Index.of(longGrams, allowed), Index.of(overlapGrams, Set.of()),
                overlapGrams.stream().mapToInt(g -> g.length).toArray(), 13, 7, 0.5, 0.2);
    }


    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static final class OldNgrams {

        /** Word hashes and, for each word, its first and one-past-last character in the original text. */
        record Words(long[] hashes, int[] starts, int[] ends, int count) {

            /** The hash of the n words starting at {@code start}. */
            long ngram(int start, int n) {
                long h = 0x2545F4914F6CDD1DL ^ n;
                for (int i = start; i < start + n; i++) {
                    h = mix(h ^ hashes[i]);
                }
                return h;
            }

            /** Hashes of every n-gram, in text order (index = its first word). */
            long[] ngrams(int n) {
                int count = Math.max(0, this.count - n + 1);
                long[] grams = new long[count];
                for (int i = 0; i < count; i++) {
                    grams[i] = ngram(i, n);
                }
                return grams;
            }
        }

        private OldNgrams() {}

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
                        hashes[count] = mix(h ^ length);
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

        static long[] distinctSorted(long[] values) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            int distinct = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i == 0 || sorted[i] != sorted[distinct - 1]) {
                    sorted[distinct++] = sorted[i];
                }
            }
            return Arrays.copyOf(sorted, distinct);
        }

        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    static final class Index implements Serializable {

        private static final long serialVersionUID = 1L;

        private final long[] keys;
        private final int[] offsets;
        private final int[] items;

        Index(long[] keys, int[] offsets, int[] items) {
            this.keys = keys;
            this.offsets = offsets;
            this.items = items;
        }

        /** {@code grams[item]}: the item's distinct n-gram hashes; those in {@code excluded} are left out. */
        static Index of(List<long[]> grams, Set<Long> excluded) {
            TreeMap<Long, List<Integer>> postings = new TreeMap<>();
            for (int item = 0; item < grams.size(); item++) {
                for (long gram : grams.get(item)) {
                    if (!excluded.contains(gram)) {
                        List<Integer> holders = postings.computeIfAbsent(gram, g -> new ArrayList<>(1));
                        if (holders.isEmpty() || holders.get(holders.size() - 1) != item) {
                            holders.add(item);
                        }
                    }
                }
            }
            long[] keys = new long[postings.size()];
            int[] offsets = new int[postings.size() + 1];
            int total = postings.values().stream().mapToInt(List::size).sum();
            int[] items = new int[total];
            int k = 0;
            int p = 0;
            for (Map.Entry<Long, List<Integer>> entry : postings.entrySet()) {
                keys[k] = entry.getKey();
                offsets[k] = p;
                for (int item : entry.getValue()) {
                    items[p++] = item;
                }
                k++;
            }
            offsets[k] = p;
            return new Index(keys, offsets, items);
        }

        /** Where {@code gram} is among the keys (negative when absent); its items are {@link #item} of [from, to). */
        int find(long gram) {
            return Arrays.binarySearch(keys, gram);
        }

        int from(int found) {
            return offsets[found];
        }

        int to(int found) {
            return offsets[found + 1];
        }

        int item(int posting) {
            return items[posting];
        }
    }

    static final class OldMatcher implements Serializable {

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

        private final Index longGrams;
        private final Index overlap;
        private final int[] itemOverlapCounts;
        private final int n;
        private final int m;
        private final double contaminatedRatio;
        private final double partialRatio;

        OldMatcher(Index longGrams, Index overlap, int[] itemOverlapCounts, int n, int m, double contaminatedRatio,
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
            OldNgrams.Words words = OldNgrams.words(text);
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
            long[] distinct = OldNgrams.distinctSorted(docGrams);
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
        private List<int[]> spans(OldNgrams.Words words, long[] docGrams, int item) {
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

        private static boolean holds(Index index, long gram, int item) {
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
}
