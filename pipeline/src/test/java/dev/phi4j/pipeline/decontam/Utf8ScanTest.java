package dev.phi4j.pipeline.decontam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scanner reads the UTF-8 bytes Spark holds instead of a decoded Java string (issue 19); it must give exactly
 * the words, flags and hashes of the scanner over Java chars it replaced ({@link CharTokens}), and so exactly its
 * verdicts: on the real datasets, on non-ASCII text (accents, CJK, letters and symbols beyond the BMP) and on byte
 * sequences that are not UTF-8 at all, which Spark may hold from a Parquet file and which a Java string reads as
 * U+FFFD.
 */
class Utf8ScanTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    /** Code points the scanner treats differently: cased, uncased, digits, spaces, stops, beyond the BMP. */
    private static final int[] ALPHABET = {
        'a', 'Z', 'e', '7', '_', '.', '?', '!', ' ', '\n', '\t', '(', '\'', '-', ',',
        'é', 'É', 'ß', 'İ', 'ı', 'Ω', 'ж', 'Ж', '中', '文', '日', 'ア', 'ー', '٣', '०', '\u00A0', '\u2028', '\u3000',
        '—', '€', '\u0301', '\uFFFD', '\u200B', '\u00AD',
        0x1F600, 0x1F44D, 0x1D400, 0x1D7CE, 0x10400, 0x10428, 0x20000, 0x1F1EB};

    @Test
    void realDatasetsScanToTheSameWordsAsJavaChars() throws IOException {
        int words = 0;
        for (String text : realTexts()) {
            assertSameWords(text);
            words += new CharTokens().scan(text).count;
        }
        assertTrue(words > 1_000_000, "words compared " + words);
    }

    @Test
    void nonAsciiTextScansToTheSameWordsAsJavaChars() {
        for (String text : List.of("Café au lait, naïve résumé: ÉLAN vital!", "Straße İstanbul ıi ΣΊΣΥΦΟΣ",
                "中文分词 没有 空格。日本語のテキスト、カタカナ。", "def 计算(x):\n    return 计算(x) + ٣٤",
                "emoji 👍🏽 inside👍words and 🇫🇷 flags", "𝐀𝐁𝐂 bold 𝟎𝟏 digits 𐐀𐐨 Deseret x𐐀y",
                "no\u00A0break\u2028line\u3000ideographic space", "combining é and zero\u200Bwidth soft\u00ADhyphen",
                "tail high surrogate written out: \uD83D", "lone low \uDC00 in the middle")) {
            assertSameWords(text);
        }
        SplittableRandom random = new SplittableRandom(19);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(1, 40);
            for (int i = 0; i < length; i++) {
                text.appendCodePoint(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            assertSameWords(text.toString());
        }
    }

    @Test
    void bytesThatAreNotUtf8ScanAsJavasDecoderReadsThem() {
        byte[][] cases = {
            {(byte) 0xC0, (byte) 0x80, 'a', 'b'}, {'a', (byte) 0xE2, (byte) 0x82, 'b', ' ', 'c'},
            {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b'}, {(byte) 0xF5, 'x', (byte) 0xFF, 'Y', '.'},
            {'a', (byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {'a', (byte) 0x80, (byte) 0xBF, 'b', '_', 'c'},
            {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF, 'z'}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, 'q'}};
        for (byte[] utf8 : cases) {
            assertSameWords(utf8);
        }
        SplittableRandom random = new SplittableRandom(7);
        byte[] pieces = "aZ7_ .?!\n(".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < 50_000; n++) {
            byte[] utf8 = new byte[random.nextInt(1, 24)];
            for (int i = 0; i < utf8.length; i++) {
                byte beyondAscii = (byte) random.nextInt(0x80, 0x100);
                utf8[i] = random.nextBoolean() ? pieces[random.nextInt(pieces.length)] : beyondAscii;
            }
            assertSameWords(utf8);
        }
    }

    @Test
    void verdictsOnBytesAreTheVerdictsOfTheCharScanner() throws IOException {
        DecontamStage stage = (DecontamStage) allMatchers().build();
        Matcher matcher = stage.matcher(spark);
        List<String> texts = new ArrayList<>(realTexts());
        texts.addAll(nonAsciiPlants());
        int flagged = 0;
        for (String text : texts) {
            Matcher.Result expected = matcher.judge(new CharTokens().scan(text).toTokens(), true);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.status(), matcher.status(utf8, 0, utf8.length), text);
            assertSameResult(expected, matcher.match(text), text);
            assertSameSpanTexts(expected, text, matcher.match(utf8), utf8);
            flagged += expected.status() != Matcher.Status.CLEAN ? 1 : 0;
        }
        assertTrue(flagged > 1_000, "flagged " + flagged + " of " + texts.size());
    }

    /**
     * The paper's rule alone (the default) flags from the word hashes alone (no offsets, no flags) and stops at the
     * first shared 13-gram: the statuses must be those of the full judgement, on texts of each
     * kind (13-gram copies; GSM8K test questions with every ninth word replaced, which share 7-grams but no 13-gram,
     * and their first twelve words, whose 7-grams are all the item's; clean text).
     */
    @Test
    void thePaperRuleAloneFlagsAsItsFullJudgement() throws IOException {
        DecontamStage stage = (DecontamStage) withMatchers(List.of(DecontamConfig.MatcherKind.PAPER)).build();
        Matcher matcher = stage.matcher(spark);
        List<String> texts = new ArrayList<>(realTexts());
        texts.addAll(nonAsciiPlants());
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/test.jsonl"))) {
            String[] words = JSON.readTree(line).get("question").asText().split(" ");
            texts.add(String.join(" ", Arrays.copyOf(words, Math.min(12, words.length))));
            for (int i = 8; i < words.length; i += 9) {
                words[i] = "zzz";
            }
            texts.add("Practice: " + String.join(" ", words));
        }
        Map<String, Integer> byRule = new java.util.TreeMap<>();
        for (String text : texts) {
            Matcher.Result expected = matcher.judge(new CharTokens().scan(text).toTokens(), false);
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.status(), matcher.status(utf8, 0, utf8.length), text);
            byRule.merge(expected.status() + " " + expected.rule(), 1, Integer::sum);
        }
        assertTrue(byRule.getOrDefault("CONTAMINATED 13gram", 0) > 1_000, byRule.toString());
        assertTrue(byRule.getOrDefault("CONTAMINATED 7gram", 0) > 100, byRule.toString());
        assertTrue(byRule.getOrDefault("PARTIAL 7gram", 0) > 10, byRule.toString());
        assertTrue(byRule.getOrDefault("CLEAN null", 0) > 1_000, byRule.toString());
    }

    @Test
    void theStageFlagsNonAsciiDocumentsAsTheCharScannerDoes() throws IOException {
        DecontamStage stage = (DecontamStage) allMatchers().build();
        Matcher matcher = stage.matcher(spark);
        List<String> texts = nonAsciiPlants();
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            docs.add(Document.of("t", SourceClass.WEB, String.format("t#%04d", i), texts.get(i), Map.of(), List.of()));
        }
        List<Row> rows = stage.apply(SparkRecords.dataFrame(spark, Document.class, docs), new RunningContext(spark, 1))
                .orderBy("origin_uri").collectAsList();
        int flagged = 0;
        for (int i = 0; i < texts.size(); i++) {
            Matcher.Result expected = matcher.judge(new CharTokens().scan(texts.get(i)).toTokens(), false);
            String status = rows.get(i).<String, String>getJavaMap(StageRows.METADATA).get("decontam.status");
            String want = switch (expected.status()) {
                case CONTAMINATED -> "contaminated";
                case PARTIAL -> "partial";
                case CLEAN -> null;
            };
            assertEquals(want, status, texts.get(i));
            flagged += want == null ? 0 : 1;
        }
        assertTrue(flagged > 50 && flagged < texts.size(), "flagged " + flagged + " of " + texts.size());
    }

    /**
     * The paper rule's spans are those of the document's 13-grams and 7-grams that the item holds, merged; the
     * matcher finds them from the 7-grams alone (each 13-gram an item holds is covered by two of its 7-grams). The
     * reference here takes the item's n-grams from its text.
     */
    @Test
    void paperSpansAreTheMergedNgramsTheItemHolds() throws IOException {
        DecontamConfig config = withMatchers(List.of(DecontamConfig.MatcherKind.PAPER));
        Matcher matcher = ((DecontamStage) config.build()).matcher(spark);
        List<String> items = new ArrayList<>();
        for (BenchmarkConfig benchmark : config.benchmarks()) {
            BenchmarkItems.read(spark, benchmark, true).collectAsList().forEach(item -> items.add(item.getString(1)));
        }
        List<String> texts = new ArrayList<>(realTexts());
        texts.addAll(nonAsciiPlants());
        int compared = 0;
        for (String text : texts) {
            Matcher.Result result = matcher.match(text);
            if (result.status() == Matcher.Status.CLEAN) {
                continue;
            }
            assertEquals(spans(heldNgramSpans(text, items.get(result.item()))), spans(result.spans()), text);
            compared++;
        }
        assertTrue(compared > 2_000, "compared " + compared);
    }

    /** The char spans of the 13-grams and 7-grams of {@code text} that occur in {@code item}, merged. */
    private static List<int[]> heldNgramSpans(String text, String item) {
        Tokens doc = new Tokens().scan(text);
        Tokens itemWords = new Tokens().scan(item);
        List<int[]> spans = new ArrayList<>();
        for (int n : new int[] {13, 7}) {
            java.util.Set<Long> held = new java.util.HashSet<>();
            for (long gram : Grams.distinct(itemWords, Grams.View.WORDS, n, false)) {
                held.add(gram);
            }
            long[] grams = new long[doc.count];
            int[] first = new int[doc.count];
            int count = Grams.of(doc, Grams.View.WORDS, n, false, grams, first);
            for (int k = 0; k < count; k++) {
                if (held.contains(grams[k])) {
                    spans.add(new int[] {doc.starts[first[k]], doc.ends[first[k] + n - 1]});
                }
            }
        }
        spans.sort(java.util.Comparator.comparingInt(span -> span[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] span : spans) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && span[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], span[1]);
            } else {
                merged.add(span.clone());
            }
        }
        return merged;
    }

    private static void assertSameWords(String text) {
        CharTokens expected = new CharTokens().scan(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        // Java encodes an unpaired surrogate as '?', as Spark stores it: the reference reads what Spark would hold.
        String stored = new String(utf8, StandardCharsets.UTF_8);
        if (!stored.equals(text)) {
            expected = new CharTokens().scan(stored);
        }
        Tokens fromBytes = new Tokens().scan(utf8, 0, utf8.length);
        assertWords(expected, fromBytes, text);
        assertHashes(expected, new Tokens().hashes(utf8, 0, utf8.length), text);
        Tokens fromString = new Tokens().scan(stored);
        assertWords(expected, fromString, text);
        assertArrayEquals(Arrays.copyOf(expected.starts, expected.count), Arrays.copyOf(fromString.starts,
                fromString.count), "char offsets of " + text);
        assertArrayEquals(Arrays.copyOf(expected.ends, expected.count), Arrays.copyOf(fromString.ends,
                fromString.count), "char offsets of " + text);
        // within a larger array, as Spark's rows hold a text
        byte[] padded = new byte[utf8.length + 6];
        System.arraycopy(utf8, 0, padded, 3, utf8.length);
        padded[0] = 'x';
        padded[padded.length - 1] = 'y';
        assertWords(expected, new Tokens().scan(padded, 3, 3 + utf8.length), text);
        assertHashes(expected, new Tokens().hashes(padded, 3, 3 + utf8.length), text);
    }

    private static void assertSameWords(byte[] utf8) {
        String decoded = new String(utf8, StandardCharsets.UTF_8);
        assertWords(new CharTokens().scan(decoded), new Tokens().scan(utf8, 0, utf8.length), Arrays.toString(utf8));
        assertHashes(new CharTokens().scan(decoded), new Tokens().hashes(utf8, 0, utf8.length), Arrays.toString(utf8));
    }

    /** The paper rule's scan of the hashes alone gives the words' hashes of the full scan. */
    private static void assertHashes(CharTokens expected, Tokens actual, String text) {
        assertEquals(expected.count, actual.count, "words (hashes alone) of " + text);
        assertArrayEquals(Arrays.copyOf(expected.hashes, expected.count), Arrays.copyOf(actual.hashes, actual.count),
                "hashes (alone) of " + text);
    }

    private static void assertWords(CharTokens expected, Tokens actual, String text) {
        assertEquals(expected.count, actual.count, "words of " + text);
        assertArrayEquals(Arrays.copyOf(expected.hashes, expected.count), Arrays.copyOf(actual.hashes, actual.count),
                "hashes of " + text);
        assertArrayEquals(Arrays.copyOf(expected.flags, expected.count), Arrays.copyOf(actual.flags, actual.count),
                "flags of " + text);
    }

    private static void assertSameResult(Matcher.Result expected, Matcher.Result actual, String text) {
        assertEquals(expected.status(), actual.status(), text);
        assertEquals(expected.rule(), actual.rule(), text);
        assertEquals(expected.item(), actual.item(), text);
        assertEquals(expected.ratio(), actual.ratio(), text);
        assertEquals(expected.items(), actual.items(), text);
        assertEquals(spans(expected.spans()), spans(actual.spans()), text);
        assertEquals(expected.hits().size(), actual.hits().size(), text);
        for (int i = 0; i < expected.hits().size(); i++) {
            Matcher.Hit want = expected.hits().get(i);
            Matcher.Hit got = actual.hits().get(i);
            assertEquals(List.of(want.matcher(), want.item(), want.score(), spans(want.spans())),
                    List.of(got.matcher(), got.item(), got.score(), spans(got.spans())), text);
        }
    }

    /** The verdict on the bytes (spans in bytes, as the stage's rewrite reads them) quotes the same text. */
    private static void assertSameSpanTexts(Matcher.Result expected, String text, Matcher.Result actual, byte[] utf8) {
        assertEquals(List.of(expected.status(), String.valueOf(expected.rule()), expected.item(), expected.ratio(),
                expected.items()), List.of(actual.status(), String.valueOf(actual.rule()), actual.item(),
                actual.ratio(), actual.items()), text);
        assertEquals(spanTexts(expected.spans(), text), spanTexts(actual.spans(), utf8), text);
        for (int i = 0; i < expected.hits().size(); i++) {
            assertEquals(spanTexts(expected.hits().get(i).spans(), text), spanTexts(actual.hits().get(i).spans(),
                    utf8), text);
        }
    }

    private static List<String> spanTexts(List<int[]> spans, String text) {
        return spans.stream().map(span -> text.substring(span[0], span[1])).toList();
    }

    private static List<String> spanTexts(List<int[]> spans, byte[] utf8) {
        return spans.stream().map(span -> new String(utf8, span[0], span[1] - span[0], StandardCharsets.UTF_8))
                .toList();
    }

    private static List<List<Integer>> spans(List<int[]> spans) {
        return spans.stream().map(span -> List.of(span[0], span[1])).toList();
    }

    /** The bench's configuration: GSM8K test and HumanEval, GSM8K train allow-listed, all three matchers. */
    private static DecontamConfig allMatchers() {
        return withMatchers(List.of(DecontamConfig.MatcherKind.PAPER, DecontamConfig.MatcherKind.NORMALIZED,
                DecontamConfig.MatcherKind.SENTENCES));
    }

    private static DecontamConfig withMatchers(List<DecontamConfig.MatcherKind> matchers) {
        return new DecontamConfig(List.of(
                new BenchmarkConfig("gsm8k", BenchmarkConfig.Format.GSM8K,
                        TestSpark.shared("gsm8k/test.jsonl").toString(), List.of(), Optional.empty()),
                new BenchmarkConfig("humaneval", BenchmarkConfig.Format.HUMANEVAL,
                        TestSpark.shared("humaneval/HumanEval.jsonl.gz").toString(), List.of(), Optional.empty())),
                List.of(new BenchmarkConfig("gsm8k-train", BenchmarkConfig.Format.GSM8K,
                        TestSpark.shared("gsm8k/train.jsonl").toString(), List.of("question", "answer"),
                        Optional.empty())),
                1, 13, 7, 0.5, 0.2, matchers, DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 100);
    }

    /**
     * GSM8K train and test problems with their answers, the test questions alone (each contaminates), HumanEval
     * prompts with their solutions, tinyshakespeare paragraphs and the Common Crawl page (Spanish, accented).
     */
    private static List<String> realTexts() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String split : List.of("train", "test")) {
            for (String line : Files.readAllLines(TestSpark.shared("gsm8k/" + split + ".jsonl"))) {
                JsonNode item = JSON.readTree(line);
                texts.add(item.get("question").asText() + "\n\n" + item.get("answer").asText());
                if (split.equals("test")) {
                    texts.add(item.get("question").asText());
                }
            }
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                TestSpark.shared("humaneval/HumanEval.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                JsonNode item = JSON.readTree(line);
                texts.add(item.get("prompt").asText() + item.get("canonical_solution").asText());
            }
        }
        for (String block : Files.readString(TestSpark.shared("tinyshakespeare/input.txt")).split("\n\n")) {
            texts.add(block);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
                TestSpark.shared("commoncrawl/whirlwind.warc.wet.gz"))), StandardCharsets.UTF_8))) {
            texts.add(reader.lines().reduce("", (a, b) -> a + b + "\n"));
        }
        return texts;
    }

    /**
     * GSM8K test questions with non-ASCII text around and inside them (accented words, CJK, emoji between words and
     * glued to them, NBSP for spaces): some still contaminate, some only partly, and every third, decorated between
     * every two words, no longer.
     */
    private static List<String> nonAsciiPlants() throws IOException {
        List<String> plants = new ArrayList<>();
        List<String> questions = new ArrayList<>();
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/test.jsonl"))) {
            questions.add(JSON.readTree(line).get("question").asText());
        }
        SplittableRandom random = new SplittableRandom(42);
        String[] decorations = {"Café crème 👍 ", "中文：", "Ω ", "naïve—", "🇫🇷", "𝐀𝐁 ", "\u00A0", "İstanbul "};
        for (int k = 0; k < 300; k++) {
            String[] words = questions.get(k * 4).split(" ");
            StringBuilder text = new StringBuilder("Résumé du problème — 問題 ").append(k).append(":\n");
            for (String word : words) {
                if (k % 3 == 0 || random.nextInt(12 + k % 30) == 0) {
                    text.append(decorations[random.nextInt(decorations.length)]);
                }
                text.append(word).append(random.nextInt(40) == 0 ? "\u00A0" : " ");
            }
            plants.add(text.append("\nFin. 🎉").toString());
        }
        return plants;
    }
}
