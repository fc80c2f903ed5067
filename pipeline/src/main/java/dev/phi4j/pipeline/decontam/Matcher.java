package dev.phi4j.pipeline.decontam;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every configured matcher for one document against every benchmark item at once, in one pass over the document's
 * words; broadcast to executors. The hot loop scans the text once ({@link Tokens}), rolls the n-gram hashes of each
 * view and looks each up in a primitive table ({@link GramTable}): no regex, no object per word or n-gram. Work that
 * allocates (counting distinct n-grams, spans) happens only for the rare document with a hit.
 *
 * <ul>
 *   <li>{@code paper} (Phi-4 report, Appendix B.1): a shared 13-gram (not allow-listed) contaminates; else the
 *       7-gram ratio |shared| / min(|doc 7-grams|, |item 7-grams|) splits contaminated / partial / clean.</li>
 *   <li>{@code normalized}: the item's non-stop n-grams with numbers masked; hit at a fraction held.</li>
 *   <li>{@code sentences}: per benchmark sentence, its non-stop n-grams with numbers and names masked; a document
 *       sentence holding enough of them matches it, and an item is hit when its matched sentences carry enough of
 *       its n-grams, in any order.</li>
 * </ul>
 */
final class Matcher implements Serializable {

    private static final long serialVersionUID = 2L;

    enum Status { CONTAMINATED, PARTIAL, CLEAN }

    /** One matcher's hit: the item it judged against, its score (ratio or fraction) and the matching spans. */
    record Hit(String matcher, int item, double score, List<int[]> spans) {}

    /**
     * The verdict: the item judged against (the paper rule's if it finds contamination, else the first other flagging
     * matcher's, else the paper rule's partial one), its 7-gram
     * overlap ratio, the rule that decided ({@code 13gram}, {@code 7gram}, {@code normalized}, {@code sentences}),
     * and the character spans of the document that match the item. {@code items} holds every item the document hits
     * by any matcher, in item index order. {@code hits} has each flagging matcher's own hit, in config order.
     */
    record Result(Status status, String rule, int item, double ratio, List<int[]> spans, Map<Integer, Status> items,
                  List<Hit> hits) {}

    /** The paper's rule: 13-gram table (allow-listed n-grams left out) and 7-gram table. */
    record Paper(GramTable longGrams, GramTable overlap, int[] itemOverlapCounts, int n, int m,
                 double contaminatedRatio, double partialRatio) implements Serializable {}

    /** Number-masked n-grams; {@code itemGrams}: the non-stop n-grams each item keeps. */
    record Normalized(GramTable grams, int[] itemGrams, NormalizedMatcherConfig config) implements Serializable {}

    /**
     * Sentence n-grams (postings are sentence ids); {@code sentenceItem} and {@code sentenceGrams}: each sentence's
     * item and non-stop n-gram count; {@code itemGrams}: the sum over each item's sentences.
     */
    record Sentences(GramTable grams, int[] sentenceItem, int[] sentenceGrams, int[] itemGrams,
                     SentencesMatcherConfig config) implements Serializable {}

    private final int items;
    private final Paper paper;
    private final boolean paperFlags;
    private final Normalized normalized;
    private final Sentences sentences;
    /** The paper's rule flags and no other matcher is configured: the default, with its own flag pass. */
    private final boolean paperAlone;
    private transient ThreadLocal<Scratch> scratch;

    /**
     * {@code paper} is always built (its 7-gram ratio is reported with every verdict) but flags only when
     * {@code paperFlags}; {@code normalized} and {@code sentences} are null when not configured.
     */
    Matcher(int items, Paper paper, boolean paperFlags, Normalized normalized, Sentences sentences) {
        this.items = items;
        this.paper = paper;
        this.paperFlags = paperFlags;
        this.normalized = normalized;
        this.sentences = sentences;
        this.paperAlone = paperFlags && normalized == null && sentences == null;
    }

    /** Reused buffers of one thread. */
    private static final class Scratch {
        final Tokens tokens = new Tokens();
        final int[] longCount;
        final int[] count;
        final int[] sentenceCount;
        final boolean[] sentenceMatched;
        final int[] itemMatched;
        Ints longTouched = new Ints();
        Ints overlapSlots = new Ints();
        Ints normalizedSlots = new Ints();
        Ints sentenceTouched = new Ints();
        Ints matchedSentences = new Ints();
        final LongSet distinct = new LongSet();
        private long[] numbersMasked = new long[256];
        private long[] namesMasked = new long[256];

        long[] numbersMasked(int words) {
            if (numbersMasked.length < words) {
                numbersMasked = new long[words];
            }
            return numbersMasked;
        }

        long[] namesMasked(int words) {
            if (namesMasked.length < words) {
                namesMasked = new long[words];
            }
            return namesMasked;
        }

        /** The items sharing 7-grams with the current document, sorted, and their 7-gram ratios. */
        final Ints ratioItems = new Ints();
        double[] ratios = new double[64];
        /** The items a normalized or sentences hit touches, one matcher after the other. */
        final Ints touchedItems = new Ints();

        Scratch(int items, int sentences) {
            longCount = new int[items];
            count = new int[items];
            sentenceCount = new int[sentences];
            sentenceMatched = new boolean[sentences];
            itemMatched = new int[items];
        }
    }

    /** A growable int list. */
    private static final class Ints {
        int[] values = new int[64];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        /** Sorts and removes duplicates. */
        void distinct() {
            Arrays.sort(values, 0, size);
            int d = 0;
            for (int i = 0; i < size; i++) {
                if (d == 0 || values[i] != values[d - 1]) {
                    values[d++] = values[i];
                }
            }
            size = d;
        }
    }

    private Scratch scratch() {
        ThreadLocal<Scratch> local = scratch;
        if (local == null) {
            local = ThreadLocal.withInitial(() -> new Scratch(items,
                    sentences == null ? 0 : sentences.sentenceItem().length));
            scratch = local;
        }
        return local.get();
    }

    Result match(String text) {
        return match(text, true);
    }

    /** With {@code spans} false, every span list is left empty: enough to tell whether a document is flagged. */
    Result match(String text, boolean spans) {
        Scratch s = scratch();
        return judge(s.tokens.scan(text), s, spans);
    }

    /**
     * The verdict on the document whose UTF-8 bytes are {@code utf8}, spans in bytes: the stage's rewrite of a
     * flagged row, on the bytes its flag pass read.
     */
    Result match(byte[] utf8) {
        Scratch s = scratch();
        return judge(s.tokens.scan(utf8, 0, utf8.length), s, true);
    }

    /**
     * The status of the document whose UTF-8 bytes are {@code utf8[from, to)}: the stage's pass over every document,
     * on the bytes Spark holds. The same status as {@link #match(String)} gives the decoded text.
     */
    Status status(byte[] utf8, int from, int to) {
        Scratch s = scratch();
        // The paper's rule alone (the default) reads the words' hashes only: offsets and flags are for the other
        // matchers' views and for spans.
        Tokens t = paperAlone ? s.tokens.hashes(utf8, from, to) : s.tokens.scan(utf8, from, to);
        clear(s);
        // With the paper's rule flagging, a shared n-gram settles the verdict without the rest of the lookups.
        if (scan(t, s, paperFlags)) {
            forget(s);
            return Status.CONTAMINATED;
        }
        return verdict(t, s, false).status();
    }

    /** The verdict on words already scanned into {@code t}, spans in the offsets {@code t} holds. */
    Result judge(Tokens t, boolean spans) {
        return judge(t, scratch(), spans);
    }

    /** A document no matcher has anything on, the usual case, answered without allocating. */
    private static final Result CLEAN = new Result(Status.CLEAN, null, -1, 0, List.of(), Map.of(), List.of());

    private Result judge(Tokens t, Scratch s, boolean spans) {
        clear(s);
        scan(t, s, false);
        return verdict(t, s, spans);
    }

    /** Empties the lists {@link #scan} fills (the counts behind them are zero between documents). */
    private static void clear(Scratch s) {
        s.longTouched.size = 0;
        s.overlapSlots.size = 0;
        s.normalizedSlots.size = 0;
        s.matchedSentences.size = 0;
    }

    /** Zeroes what a scan stopped early left counted, as {@link #verdict} and {@link #endSentence} do after a full one. */
    private static void forget(Scratch s) {
        for (int k = 0; k < s.longTouched.size; k++) {
            s.longCount[s.longTouched.values[k]] = 0;
        }
        for (int k = 0; k < s.sentenceTouched.size; k++) {
            s.sentenceCount[s.sentenceTouched.values[k]] = 0;
        }
        s.sentenceTouched.size = 0;
        for (int k = 0; k < s.matchedSentences.size; k++) {
            s.sentenceMatched[s.matchedSentences.values[k]] = false;
        }
        clear(s);
    }

    /** The verdict on what {@link #scan} gathered of {@code t}. */
    private Result verdict(Tokens t, Scratch s, boolean spans) {
        if (s.longTouched.size == 0 && s.overlapSlots.size == 0 && s.normalizedSlots.size == 0
                && s.matchedSentences.size == 0) {
            return CLEAN;
        }

        // paper: 13-gram hits (every occurrence counts, as the verdict picks the item with the most)
        Map<Integer, Status> itemsHit = new TreeMap<>();
        List<Hit> hits = new ArrayList<>(3);
        int longItem = -1;
        int longBest = 0;
        for (int k = 0; k < s.longTouched.size; k++) {
            int item = s.longTouched.values[k];
            int c = s.longCount[item];
            s.longCount[item] = 0;
            if (c > longBest || c == longBest && item < longItem) {
                longBest = c;
                longItem = item;
            }
            if (paperFlags) {
                itemsHit.put(item, Status.CONTAMINATED);
            }
        }
        // paper: 7-gram ratio over distinct shared n-grams, only for documents sharing any
        int bestItem = -1;
        double bestRatio = 0;
        s.ratioItems.size = 0;
        if (s.overlapSlots.size > 0) {
            s.overlapSlots.distinct();
            Ints touched = s.ratioItems;
            for (int k = 0; k < s.overlapSlots.size; k++) {
                int slot = s.overlapSlots.values[k];
                for (int p = paper.overlap().from(slot); p < paper.overlap().to(slot); p++) {
                    int item = paper.overlap().posting(p);
                    if (s.count[item]++ == 0) {
                        touched.add(item);
                    }
                }
            }
            int docGrams = distinctGrams(t, paper.m(), s.distinct);
            touched.distinct();
            if (s.ratios.length < touched.size) {
                s.ratios = new double[touched.size];
            }
            double[] ratios = s.ratios;
            for (int k = 0; k < touched.size; k++) {
                int item = touched.values[k];
                int smaller = Math.min(docGrams, paper.itemOverlapCounts()[item]);
                double ratio = smaller == 0 ? 0 : (double) s.count[item] / smaller;
                s.count[item] = 0;
                ratios[k] = ratio;
                if (ratio > bestRatio) {
                    bestRatio = ratio;
                    bestItem = item;
                }
                if (paperFlags && ratio >= paper.partialRatio() && !itemsHit.containsKey(item)) {
                    itemsHit.put(item, ratio >= paper.contaminatedRatio() ? Status.CONTAMINATED : Status.PARTIAL);
                }
            }
        }
        Status paperStatus = Status.CLEAN;
        String paperRule = null;
        int paperItem = -1;
        if (paperFlags && longItem >= 0) {
            paperStatus = Status.CONTAMINATED;
            paperRule = paper.n() + "gram";
            paperItem = longItem;
        } else if (paperFlags && bestItem >= 0 && bestRatio >= paper.partialRatio()) {
            paperStatus = bestRatio >= paper.contaminatedRatio() ? Status.CONTAMINATED : Status.PARTIAL;
            paperRule = paper.m() + "gram";
            paperItem = bestItem;
        }
        if (paperStatus == Status.CONTAMINATED) {
            hits.add(new Hit("paper", paperItem, ratioOf(s, paperItem), spans ? paperSpans(t, paperItem)
                    : List.of()));
        }

        // normalized
        if (normalized != null && s.normalizedSlots.size > 0) {
            s.normalizedSlots.distinct();
            Ints touched = s.touchedItems;
            touched.size = 0;
            for (int k = 0; k < s.normalizedSlots.size; k++) {
                int slot = s.normalizedSlots.values[k];
                for (int p = normalized.grams().from(slot); p < normalized.grams().to(slot); p++) {
                    int item = normalized.grams().posting(p);
                    if (s.count[item]++ == 0) {
                        touched.add(item);
                    }
                }
            }
            touched.distinct();
            int best = -1;
            double bestFraction = 0;
            for (int k = 0; k < touched.size; k++) {
                int item = touched.values[k];
                int shared = s.count[item];
                s.count[item] = 0;
                double fraction = normalized.itemGrams()[item] == 0 ? 0 : (double) shared / normalized.itemGrams()[item];
                if (shared >= normalized.config().minShared() && fraction >= normalized.config().minFraction()) {
                    itemsHit.put(item, Status.CONTAMINATED);
                    if (fraction > bestFraction) {
                        bestFraction = fraction;
                        best = item;
                    }
                }
            }
            if (best >= 0) {
                hits.add(new Hit("normalized", best, bestFraction, !spans ? List.of() : spans(t,
                        Grams.View.NUMBERS, normalized.config().ngram(), false, normalized.grams(), best, null)));
            }
        }

        // sentences: the matched benchmark sentences were gathered by scan()
        if (sentences != null && s.matchedSentences.size > 0) {
            Ints touched = s.touchedItems;
            touched.size = 0;
            for (int k = 0; k < s.matchedSentences.size; k++) {
                int sentence = s.matchedSentences.values[k];
                s.sentenceMatched[sentence] = false;
                int item = sentences.sentenceItem()[sentence];
                if (s.itemMatched[item] == 0) {
                    touched.add(item);
                }
                s.itemMatched[item] += sentences.sentenceGrams()[sentence];
            }
            touched.distinct();
            int best = -1;
            double bestFraction = 0;
            for (int k = 0; k < touched.size; k++) {
                int item = touched.values[k];
                int matched = s.itemMatched[item];
                s.itemMatched[item] = 0;
                double fraction = (double) matched / sentences.itemGrams()[item];
                if (matched >= sentences.config().minGrams() && fraction >= sentences.config().itemFraction()) {
                    itemsHit.put(item, Status.CONTAMINATED);
                    if (fraction > bestFraction) {
                        bestFraction = fraction;
                        best = item;
                    }
                }
            }
            if (best >= 0) {
                hits.add(new Hit("sentences", best, bestFraction, !spans ? List.of() : spans(t, Grams.View.NAMES,
                        sentences.config().ngram(), true, sentences.grams(), best, sentences.sentenceItem())));
            }
        }

        if (paperStatus == Status.CONTAMINATED) {
            return new Result(paperStatus, paperRule, paperItem, ratioOf(s, paperItem), hits.get(0).spans(), itemsHit,
                    hits);
        }
        if (!hits.isEmpty()) {
            Hit first = hits.get(0);
            return new Result(Status.CONTAMINATED, first.matcher(), first.item(), ratioOf(s, first.item()),
                    first.spans(), itemsHit, hits);
        }
        if (paperStatus == Status.PARTIAL) {
            return new Result(paperStatus, paperRule, paperItem, ratioOf(s, paperItem), spans ? paperSpans(t, paperItem)
                    : List.of(), itemsHit, hits);
        }
        return new Result(Status.CLEAN, null, -1, bestRatio, List.of(), itemsHit, hits);
    }

    /** The 7-gram ratio of {@code item} in the document {@link #match} is judging (0 if it shares none). */
    private static double ratioOf(Scratch s, int item) {
        if (item < 0) {
            return 0;
        }
        int at = Arrays.binarySearch(s.ratioItems.values, 0, s.ratioItems.size, item);
        return at < 0 ? 0 : s.ratios[at];
    }

    /**
     * The hot loop: one pass over the words rolling the n-gram hashes of every view; 13-gram hits counted per item,
     * 7-gram and normalized hits kept as table slots, sentence n-grams counted per benchmark sentence and judged at
     * each sentence end. With {@code stopAtNgram} it stops at the first shared n-gram and says so (true): what it
     * counted so far is then for {@link #forget}.
     */
    private boolean scan(Tokens t, Scratch s, boolean stopAtNgram) {
        final long p = Grams.P;
        final int n = paper.n();
        final int m = paper.m();
        final long pn = Grams.pow(n);
        final long pm = Grams.pow(m);
        final GramTable longGrams = paper.longGrams();
        final GramTable overlap = paper.overlap();
        // An item's n-gram (13) ends in one of its m-grams (7), and the m-gram table holds every item m-gram: an
        // n-gram whose last m words are in no item is in none either, and its lookup (half the paper rule's work) is
        // skipped. The verdicts are the same unless an n-gram's hash collides with an item's and its m-gram's not.
        final boolean longNeedsOverlap = m <= n;
        final GramTable norm = normalized == null ? null : normalized.grams();
        final int nn = normalized == null ? 0 : normalized.config().ngram();
        final long pnn = Grams.pow(nn);
        final GramTable sent = sentences == null ? null : sentences.grams();
        final int sn = sentences == null ? 0 : sentences.config().ngram();
        final long psn = Grams.pow(sn);
        final long[] words = t.hashes;
        final byte[] flags = t.flags;
        final int[] longCount = s.longCount;
        final int[] sentenceCount = s.sentenceCount;
        // the masked words, kept to roll them out of the window again
        final long[] numbersMasked = norm == null ? null : s.numbersMasked(t.count);
        final long[] namesMasked = sent == null ? null : s.namesMasked(t.count);
        long hn = 0;
        long hm = 0;
        long hnorm = 0;
        long hsent = 0;
        int run = 0;
        for (int i = 0; i < t.count; i++) {
            long w = words[i];
            byte f = flags[i];
            hn = hn * p + w;
            hm = hm * p + w;
            if (i >= n) {
                hn -= words[i - n] * pn;
            }
            if (i >= m) {
                hm -= words[i - m] * pm;
            }
            boolean overlapHit = false;
            if (i >= m - 1) {
                int slot = overlap.find(hm);
                if (slot >= 0) {
                    s.overlapSlots.add(slot);
                    overlapHit = true;
                }
            }
            if (i >= n - 1 && (overlapHit || !longNeedsOverlap)) {
                int slot = longGrams.find(hn);
                if (slot >= 0) {
                    for (int q = longGrams.from(slot); q < longGrams.to(slot); q++) {
                        int item = longGrams.posting(q);
                        if (longCount[item]++ == 0) {
                            s.longTouched.add(item);
                        }
                    }
                    if (stopAtNgram) {
                        return true;
                    }
                }
            }
            if (norm != null) {
                long mw = Tokens.masked(w, f, false);
                numbersMasked[i] = mw;
                hnorm = hnorm * p + mw;
                if (i >= nn) {
                    hnorm -= numbersMasked[i - nn] * pnn;
                }
                if (i >= nn - 1) {
                    int slot = norm.find(hnorm);
                    if (slot >= 0) {
                        s.normalizedSlots.add(slot);
                    }
                }
            }
            if (sent != null) {
                long mw = Tokens.masked(w, f, true);
                namesMasked[i] = mw;
                hsent = hsent * p + mw;
                run++;
                if (run > sn) {
                    hsent -= namesMasked[i - sn] * psn;
                }
                if (run >= sn) {
                    int slot = sent.find(hsent);
                    if (slot >= 0) {
                        for (int q = sent.from(slot); q < sent.to(slot); q++) {
                            int sentence = sent.posting(q);
                            if (sentenceCount[sentence]++ == 0) {
                                s.sentenceTouched.add(sentence);
                            }
                        }
                    }
                }
                if ((f & Tokens.SENTENCE_END) != 0 || i == t.count - 1) {
                    hsent = 0;
                    run = 0;
                    if (s.sentenceTouched.size > 0) {
                        endSentence(s);
                    }
                }
            }
        }
        return false;
    }

    /** How many distinct n-grams (paper view) the text has. */
    private static int distinctGrams(Tokens t, int n, LongSet set) {
        set.clear();
        long pn = Grams.pow(n);
        long h = 0;
        int distinct = 0;
        for (int i = 0; i < t.count; i++) {
            h = h * Grams.P + t.hashes[i];
            if (i >= n) {
                h -= t.hashes[i - n] * pn;
            }
            if (i >= n - 1 && set.add(h)) {
                distinct++;
            }
        }
        return distinct;
    }

    /** Judges the benchmark sentences the document sentence just ended touched, and resets their counts. */
    private void endSentence(Scratch s) {
        double fraction = sentences.config().sentenceFraction();
        for (int k = 0; k < s.sentenceTouched.size; k++) {
            int sentence = s.sentenceTouched.values[k];
            int held = s.sentenceCount[sentence];
            s.sentenceCount[sentence] = 0;
            if (held >= fraction * sentences.sentenceGrams()[sentence] && !s.sentenceMatched[sentence]) {
                s.sentenceMatched[sentence] = true;
                s.matchedSentences.add(sentence);
            }
        }
        s.sentenceTouched.size = 0;
    }

    /** Character spans of the document's 13-grams and 7-grams that {@code item} holds, merged. */
    private List<int[]> paperSpans(Tokens t, int item) {
        if (item < 0) {
            return List.of();
        }
        if (paper.m() <= paper.n()) {
            // The overlap table holds every m-gram of every item, so each n-gram the item holds is covered by its
            // held m-grams (the first and the last overlap): the n-grams' spans lie within the m-grams'.
            return spans(t, Grams.View.WORDS, paper.m(), false, paper.overlap(), item, null);
        }
        List<int[]> spans = new ArrayList<>(spans(t, Grams.View.WORDS, paper.n(), false, paper.longGrams(), item,
                null));
        spans.addAll(spans(t, Grams.View.WORDS, paper.m(), false, paper.overlap(), item, null));
        return merge(spans);
    }

    /**
     * Character spans of the n-grams of {@code view} that {@code item} holds (postings are items, or sentences
     * whose item {@code postingItem} gives), merged. The n-grams come in the order of their first words, so each
     * span is merged into the last as it is found.
     */
    private static List<int[]> spans(Tokens t, Grams.View view, int n, boolean bounded, GramTable table, int item,
                                     int[] postingItem) {
        List<int[]> spans = new ArrayList<>();
        Grams.roll(t, view, n, bounded, (gram, firstWord) -> {
            if (!table.holds(gram, item, postingItem)) {
                return;
            }
            int start = t.starts[firstWord];
            int end = t.ends[firstWord + n - 1];
            int[] last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
            if (last != null && start <= last[1] + 1) {
                last[1] = Math.max(last[1], end);
            } else {
                spans.add(new int[] {start, end});
            }
        });
        return spans;
    }

    private static List<int[]> merge(List<int[]> spans) {
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

    /**
     * The text whose UTF-8 bytes are {@code utf8} with the byte {@code spans} removed, the pieces joined by a single
     * space or newline. Spans start and end at whole characters, so the pieces decode as the text's own characters.
     */
    static String cut(byte[] utf8, List<int[]> spans) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(utf8.length);
        int at = 0;
        for (int[] span : spans) {
            out.write(utf8, at, span[0] - at);
            at = span[1];
        }
        out.write(utf8, at, utf8.length - at);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8).replaceAll("[ \\t]{2,}", " ")
                .replaceAll("\\n{3,}", "\n\n").strip();
    }
}
