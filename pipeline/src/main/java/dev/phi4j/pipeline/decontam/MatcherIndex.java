package dev.phi4j.pipeline.decontam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds, on the driver, the tables of every configured matcher from the benchmark items (a few thousand), and
 * summarises them for the manifest's {@code decontam.index}: per matcher its settings, n-grams kept and stop n-grams
 * left out.
 */
final class MatcherIndex {

    private final Matcher matcher;
    private final Map<String, Map<String, Object>> summary;

    private MatcherIndex(Matcher matcher, Map<String, Map<String, Object>> summary) {
        this.matcher = matcher;
        this.summary = summary;
    }

    Matcher matcher() {
        return matcher;
    }

    Map<String, Map<String, Object>> summary() {
        return summary;
    }

    /**
     * {@code tokens}: each item scanned; {@code longGrams} and {@code overlapGrams}: its distinct paper n-grams;
     * {@code allowed}: the allow-listed long n-grams.
     */
    static MatcherIndex build(DecontamConfig config, List<Tokens> tokens, List<long[]> longGrams,
                              List<long[]> overlapGrams, Set<Long> allowed) {
        int items = tokens.size();
        Map<String, Map<String, Object>> summary = new LinkedHashMap<>();
        List<DecontamConfig.MatcherKind> kinds = config.matchers();

        GramTable.Builder longBuilder = new GramTable.Builder();
        GramTable.Builder overlapBuilder = new GramTable.Builder();
        for (int item = 0; item < items; item++) {
            for (long gram : longGrams.get(item)) {
                longBuilder.add(gram, item);
            }
            for (long gram : overlapGrams.get(item)) {
                overlapBuilder.add(gram, item);
            }
        }
        GramTable longTable = longBuilder.build(Integer.MAX_VALUE, null, gram -> allowed.contains(gram));
        GramTable overlapTable = overlapBuilder.build(Integer.MAX_VALUE, null, gram -> false);
        int[] overlapCounts = overlapGrams.stream().mapToInt(g -> g.length).toArray();
        Matcher.Paper paper = new Matcher.Paper(longTable, overlapTable, overlapCounts, config.ngram(),
                config.overlapNgram(), config.contaminatedRatio(), config.partialRatio());
        if (kinds.contains(DecontamConfig.MatcherKind.PAPER)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("ngram", config.ngram());
            s.put("overlap_ngram", config.overlapNgram());
            s.put("ngrams", longTable.size());
            s.put("overlap_ngrams", overlapTable.size());
            summary.put("paper", s);
        }

        Matcher.Normalized normalized = null;
        if (kinds.contains(DecontamConfig.MatcherKind.NORMALIZED)) {
            NormalizedMatcherConfig c = config.normalized();
            GramTable.Builder builder = new GramTable.Builder();
            long[][] grams = new long[items][];
            for (int item = 0; item < items; item++) {
                grams[item] = Grams.distinct(tokens.get(item), Grams.View.NUMBERS, c.ngram(), false);
                for (long gram : grams[item]) {
                    builder.add(gram, item);
                }
            }
            GramTable table = builder.build(c.maxItems(), null, gram -> false);
            int[] itemGrams = new int[items];
            for (int item = 0; item < items; item++) {
                for (long gram : grams[item]) {
                    if (table.find(gram) >= 0) {
                        itemGrams[item]++;
                    }
                }
            }
            normalized = new Matcher.Normalized(table, itemGrams, c);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("ngram", c.ngram());
            s.put("min_fraction", c.minFraction());
            s.put("min_shared", c.minShared());
            s.put("max_items", c.maxItems());
            s.put("ngrams", table.size());
            s.put("stop_ngrams", builder.stopGrams());
            summary.put("normalized", s);
        }

        Matcher.Sentences sentences = null;
        if (kinds.contains(DecontamConfig.MatcherKind.SENTENCES)) {
            SentencesMatcherConfig c = config.sentences();
            GramTable.Builder builder = new GramTable.Builder();
            List<long[]> sentenceGrams = new java.util.ArrayList<>();
            List<Integer> sentenceItem = new java.util.ArrayList<>();
            for (int item = 0; item < items; item++) {
                Tokens t = tokens.get(item);
                long[] out = new long[t.count];
                int[] first = new int[t.count];
                int k = Grams.of(t, Grams.View.NAMES, c.ngram(), true, out, first);
                // sentence of each word: the number of sentence ends before it
                int[] sentenceOf = new int[t.count];
                int sentence = 0;
                for (int i = 0; i < t.count; i++) {
                    sentenceOf[i] = sentence;
                    if ((t.flags[i] & Tokens.SENTENCE_END) != 0) {
                        sentence++;
                    }
                }
                int from = 0;
                while (from < k) {
                    int to = from;
                    while (to < k && sentenceOf[first[to]] == sentenceOf[first[from]]) {
                        to++;
                    }
                    long[] grams = Ngrams.distinctSorted(java.util.Arrays.copyOfRange(out, from, to));
                    int id = sentenceGrams.size();
                    sentenceGrams.add(grams);
                    sentenceItem.add(item);
                    for (long gram : grams) {
                        builder.add(gram, id);
                    }
                    from = to;
                }
            }
            int[] itemOfSentence = sentenceItem.stream().mapToInt(Integer::intValue).toArray();
            GramTable table = builder.build(c.maxItems(), itemOfSentence, gram -> false);
            int[] gramsOfSentence = new int[itemOfSentence.length];
            int[] itemGrams = new int[items];
            for (int id = 0; id < itemOfSentence.length; id++) {
                for (long gram : sentenceGrams.get(id)) {
                    if (table.find(gram) >= 0) {
                        gramsOfSentence[id]++;
                    }
                }
                itemGrams[itemOfSentence[id]] += gramsOfSentence[id];
            }
            sentences = new Matcher.Sentences(table, itemOfSentence, gramsOfSentence, itemGrams, c);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("ngram", c.ngram());
            s.put("sentence_fraction", c.sentenceFraction());
            s.put("item_fraction", c.itemFraction());
            s.put("min_grams", c.minGrams());
            s.put("max_items", c.maxItems());
            s.put("sentences", itemOfSentence.length);
            s.put("ngrams", table.size());
            s.put("stop_ngrams", builder.stopGrams());
            summary.put("sentences", s);
        }
        Matcher matcher = new Matcher(items, paper, kinds.contains(DecontamConfig.MatcherKind.PAPER), normalized,
                sentences);
        return new MatcherIndex(matcher, summary);
    }
}
