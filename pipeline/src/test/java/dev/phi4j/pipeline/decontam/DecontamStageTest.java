package dev.phi4j.pipeline.decontam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DecontamStageTest {

    private static final String BENCHMARKS = TestSpark.root().resolve("datasets/sample/benchmarks").toString();
    private static final String QUESTION = "A train leaves the station with 120 passengers. At the first stop a quarter"
            + " of them get off and 18 people get on. At the second stop 40 people get off. How many passengers are"
            + " left on the train?";
    private static final String SAVINGS_QUESTION = "Lena saves 15 dollars a week. After 8 weeks she spends a third of"
            + " her savings on a gift. How much money does she have left?";
    private static final String HOST = "Our reading group met on Tuesday. We talked about trains, timetables and the"
            + " long history of the railway in the valley, and agreed to meet again next month at the library.";
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    private static DecontamConfig config(DecontamConfig.Action action, double contaminated) {
        return new DecontamConfig(List.of(new BenchmarkConfig("arith", BenchmarkConfig.Format.GSM8K,
                BENCHMARKS + "/arith-test.jsonl", List.of(), Optional.empty())), List.of(), 1, 13, 7, contaminated,
                0.2, action, DecontamConfig.Action.KEEP, 50);
    }

    /** Against the arith items (numbered 1–6) and the pyfunc prompts (named by task_id), partials kept. */
    private static DecontamConfig twoBenchmarks(DecontamConfig.Action action) {
        return new DecontamConfig(List.of(
                new BenchmarkConfig("arith", BenchmarkConfig.Format.GSM8K, BENCHMARKS + "/arith-test.jsonl", List.of(),
                        Optional.empty()),
                new BenchmarkConfig("pyfunc", BenchmarkConfig.Format.HUMANEVAL, BENCHMARKS + "/pyfunc-test.jsonl.gz",
                        List.of(), Optional.empty())),
                List.of(), 1, 13, 7, 0.5, 0.2, action, DecontamConfig.Action.KEEP, 50);
    }

    /**
     * Documents hitting arith items: one quotes item 3 and item 6 verbatim, one echoes a phrase of item 3 (partial),
     * one a phrase of item 1 (partial); one hits nothing.
     */
    private static final String[] HITTING_SEVERAL_ITEMS = {
        QUESTION + " " + SAVINGS_QUESTION,
        "the station with 120 passengers at the first stop is where we waited for the others",
        "Our newsletter says the library lends 45 books on Monday and twice as many on Tuesday, which our town library"
                + " would envy.",
        HOST};

    private static JsonNode itemsSection(DecontamConfig config, String... texts) {
        List<Document> docs = java.util.stream.IntStream.range(0, texts.length).mapToObj(i -> Document.of("t",
                SourceClass.QA, "t#" + i, texts[i], Map.of(), List.of())).toList();
        RunningContext context = new RunningContext(spark, 1);
        DecontamStage stage = (DecontamStage) config.build();
        Dataset<Row> out = stage.apply(SparkRecords.dataFrame(spark, Document.class, docs), context).cache();
        stage.summarize(out, context);
        out.unpersist();
        return (JsonNode) context.reported().get("decontam.items");
    }

    private static List<Row> run(DecontamConfig config, String... texts) {
        List<Document> docs = java.util.stream.IntStream.range(0, texts.length).mapToObj(i -> Document.of("t",
                SourceClass.QA, "t#" + i, texts[i], Map.of(), List.of())).toList();
        RunningContext context = new RunningContext(spark, 1);
        Dataset<Row> out = config.build().apply(SparkRecords.dataFrame(spark, Document.class, docs), context);
        return out.orderBy("origin_uri").collectAsList();
    }

    @Test
    void normalisationLowerCasesDeletesPunctuationAndSplitsOnWhitespace() {
        assertEquals("dont stopnow its 35 fx", PaperNormalisation.normalized("Don't STOP—now! It's 3.5 f(x)"));
        PaperNormalisation.Words words = PaperNormalisation.words("  Hello, World!  ");
        assertEquals(2, words.count());
        assertEquals(2, words.starts()[0]);
        assertEquals(14, words.ends()[1], "the word ends before the punctuation that follows it");
    }

    private static DecontamConfig matchers(DecontamConfig.MatcherKind... kinds) {
        return new DecontamConfig(List.of(new BenchmarkConfig("arith", BenchmarkConfig.Format.GSM8K,
                BENCHMARKS + "/arith-test.jsonl", List.of(), Optional.empty())), List.of(), 1, 13, 7, 0.5, 0.2,
                List.of(kinds), DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 50);
    }

    @Test
    void scannerMarksNumbersNamesDefinitionsAndSentenceEnds() {
        String text = "Lena saves 15 dollars. Then she_said:\n def strlen(s):\n  return strlen('x')";
        Tokens t = new Tokens().scan(text);
        assertEquals(10, t.count, "Lena saves 15 dollars Then shesaid def strlens return strlenx");
        assertEquals("Lena", text.substring(t.starts[0], t.ends[0]));
        assertNotEquals(0, t.flags[0] & Tokens.CAPITAL, "a capitalised word is a name");
        assertNotEquals(0, t.flags[2] & Tokens.NUMBER);
        assertNotEquals(0, t.flags[3] & Tokens.SENTENCE_END, "a full stop ends the sentence");
        assertEquals(0, t.flags[1] & Tokens.SENTENCE_END);
        assertNotEquals(0, t.flags[5] & Tokens.CAPITAL, "an identifier with an underscore is a name");
        assertNotEquals(0, t.flags[5] & Tokens.SENTENCE_END, "a line break ends the sentence");
        assertNotEquals(0, t.flags[7] & Tokens.DEFINED, "the name a def introduces");
        assertNotEquals(0, t.flags[9] & Tokens.DEFINED, "and its later use, call included");
        assertEquals(0, t.flags[8] & Tokens.DEFINED);
        assertEquals(t.hashes[0], new Tokens().scan("LENA").hashes[0], "case does not change a word's hash");
        PaperNormalisation.Words old = PaperNormalisation.words(text);
        assertArrayEquals(java.util.Arrays.copyOf(old.hashes(), old.count()), java.util.Arrays.copyOf(t.hashes,
                t.count), "the same words as the paper's normalisation");
    }

    @Test
    void rollingNgramHashesEqualTheirDefinition() {
        Tokens t = new Tokens().scan(QUESTION + " " + SAVINGS_QUESTION);
        long[] grams = new long[t.count];
        int[] first = new int[t.count];
        int k = Grams.of(t, Grams.View.NAMES, 5, true, grams, first);
        int checked = 0;
        for (int g = 0; g < k; g++) {
            long direct = 0;
            for (int j = 0; j < 5; j++) {
                direct = direct * Grams.P + t.masked(first[g] + j, true);
                if (j < 4) {
                    assertEquals(0, t.flags[first[g] + j] & Tokens.SENTENCE_END, "no n-gram crosses a sentence end");
                }
            }
            assertEquals(direct, grams[g]);
            checked++;
        }
        assertTrue(checked > 30, "checked " + checked);
    }

    @Test
    void plantedQuestionWithChangedNumbersIsFlaggedByTheNormalizedMatcher() {
        String changed = HOST + "\n\n" + QUESTION.replace("120", "250").replace("18", "7").replace("40", "61");
        assertNotEquals("contaminated", run(matchers(DecontamConfig.MatcherKind.PAPER), changed).get(0)
                .<String, String>getJavaMap(StageRows.METADATA).get("decontam.status"), "the paper's rule misses it");

        DecontamConfig config = matchers(DecontamConfig.MatcherKind.PAPER, DecontamConfig.MatcherKind.NORMALIZED);
        RunningContext context = new RunningContext(spark, 1);
        DecontamStage stage = (DecontamStage) config.build();
        Dataset<Row> out = stage.apply(SparkRecords.dataFrame(spark, Document.class, List.of(Document.of("t",
                SourceClass.QA, "a", changed, Map.of(), List.of()))), context).cache();
        stage.summarize(out, context);
        Row row = out.collectAsList().get(0);
        out.unpersist();
        Map<String, String> metadata = row.getJavaMap(StageRows.METADATA);
        assertEquals("contaminated", metadata.get("decontam.status"));
        assertEquals("normalized", metadata.get("decontam.rule"));
        assertEquals("3", metadata.get("decontam.item"));
        assertEquals(DecontamStage.CONTAMINATED, StageRows.reason(row));
        assertTrue(metadata.get("decontam.matchers").startsWith("{\"normalized\":{\"benchmark\":\"arith\",\"item\":\"3\""),
                metadata.get("decontam.matchers"));

        JsonNode hits = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                context.reported().get("decontam.matcher_hits")).path("arith");
        assertEquals(List.of("paper", "normalized"), fieldNames(hits), "every configured matcher, in config order");
        assertEquals(0, hits.path("paper").path("documents").asLong());
        assertEquals(1, hits.path("normalized").path("documents").asLong());
        String span = hits.path("normalized").path("top_items").get(0).path("example_span").asText();
        assertTrue(span.contains("passengers. At the first stop"), span);
        JsonNode index = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(
                context.reported().get("decontam.index")).path("matchers");
        assertEquals(List.of("paper", "normalized"), fieldNames(index));
    }

    @Test
    void reorderedSentencesWithANameSwappedAreFlaggedByTheSentencesMatcher() {
        String reordered = HOST + "\n\nHow much money does she have left? Zephyrine saves 15 dollars a week. After 8"
                + " weeks she spends a third of her savings on a gift.";
        Map<String, String> metadata = run(matchers(DecontamConfig.MatcherKind.SENTENCES), reordered).get(0)
                .getJavaMap(StageRows.METADATA);
        assertEquals("contaminated", metadata.get("decontam.status"));
        assertEquals("sentences", metadata.get("decontam.rule"));
        assertEquals("6", metadata.get("decontam.item"));
    }

    @Test
    void templatedPhrasingAloneHitsNoItem() {
        String templated = "Sam has 4 apples. How many apples does he have left? How much money does she have left?"
                + " How many books does the library lend over the three days?";
        Map<String, String> metadata = run(matchers(DecontamConfig.MatcherKind.values()), HOST + " " + templated)
                .get(0).getJavaMap(StageRows.METADATA);
        assertNull(metadata.get("decontam.status"), String.valueOf(metadata));
    }

    @Test
    void matchersDefaultToThePapersRuleAndAreNamedOnce() {
        assertEquals(List.of(DecontamConfig.MatcherKind.PAPER), config(DecontamConfig.Action.DROP, 0.5).matchers());
        assertThrows(InvalidConfigValue.class, () -> matchers(DecontamConfig.MatcherKind.PAPER,
                DecontamConfig.MatcherKind.PAPER));
        assertThrows(InvalidConfigValue.class, DecontamStageTest::matchers);
    }

    @Test
    void cutRemovesTheBenchmarkSpanAndKeepsTheRestWithLineage() {
        List<Row> rows = run(config(DecontamConfig.Action.CUT, 0.5), HOST + " " + QUESTION + " Thanks in advance!");

        Row cut = rows.get(0);
        assertNull(StageRows.reason(cut));
        String text = cut.getString(StageRows.TEXT);
        assertTrue(text.startsWith(HOST), text);
        assertFalse(text.contains("quarter of them get off"), text);
        Map<String, String> metadata = cut.getJavaMap(StageRows.METADATA);
        assertEquals("contaminated", metadata.get("decontam.status"));
        assertEquals("arith", metadata.get("decontam.benchmark"));
        assertEquals("3", metadata.get("decontam.item"));
        assertEquals("13gram", metadata.get("decontam.rule"));
        Document original = Document.of("t", SourceClass.QA, "t#0", HOST + " " + QUESTION + " Thanks in advance!",
                Map.of(), List.of());
        assertEquals(List.of(original.id()), StageRows.lineage(cut), "the cut document points back to the one it was cut from");
        assertEquals(Document.of("t", SourceClass.QA, "t#0", text, Map.of(), List.of()).id(), cut.getString(StageRows.ID),
                "the cut document gets the id of its new content");
    }

    /**
     * The rewrite reads the UTF-8 bytes and cuts byte spans: around and inside non-ASCII text (accents, CJK, emoji
     * beyond the BMP) the cut text, the quoted span and the cut length in chars are those of the text itself.
     */
    @Test
    void cutAndSpanOfNonAsciiTextAreWholeCharacters() {
        String before = "Résumé du problème 問題 👍🏽 — ";
        String after = " Merci beaucoup 🎉 ça va.";
        List<Row> rows = run(config(DecontamConfig.Action.CUT, 0.5), HOST + " " + before + QUESTION + after);

        String question = QUESTION.substring(0, QUESTION.length() - 1);
        assertEquals(HOST + " " + before + "?" + after, rows.get(0).getString(StageRows.TEXT));
        Map<String, String> metadata = rows.get(0).getJavaMap(StageRows.METADATA);
        assertEquals(question, metadata.get("decontam.span"));
        assertEquals(Integer.toString(question.length()), metadata.get("decontam.cut_chars"));
    }

    @Test
    void dropAndPartialVerdictsFollowTheTwoThresholds() {
        String sevenGramsOnly = "the station with 120 passengers at the first stop is where we waited for the others";
        List<Row> rows = run(config(DecontamConfig.Action.DROP, 0.9), QUESTION, sevenGramsOnly, HOST);

        assertEquals("contaminated", rows.get(0).<String, String>getJavaMap(StageRows.METADATA).get("decontam.status"));
        assertEquals(DecontamStage.CONTAMINATED, StageRows.reason(rows.get(0)));
        Map<String, String> partial = rows.get(1).getJavaMap(StageRows.METADATA);
        assertNull(StageRows.reason(rows.get(1)), "partial documents are kept by default");
        assertEquals("partial", partial.get("decontam.status"));
        assertEquals("7gram", partial.get("decontam.rule"));
        assertNull(rows.get(2).<String, String>getJavaMap(StageRows.METADATA).get("decontam.status"));
    }

    @Test
    void hitsTableNamesTheBenchmarkItemAndAnExampleSpan() {
        DecontamConfig config = config(DecontamConfig.Action.DROP, 0.5);
        RunningContext context = new RunningContext(spark, 1);
        DecontamStage stage = (DecontamStage) config.build();
        Dataset<Row> out = stage.apply(SparkRecords.dataFrame(spark, Document.class, List.of(
                Document.of("t", SourceClass.QA, "a", HOST + " " + QUESTION, Map.of(), List.of()),
                Document.of("t", SourceClass.QA, "b", QUESTION, Map.of(), List.of()))), context).cache();
        stage.summarize(out, context);

        JsonNode hits = (JsonNode) context.reported().get("decontam.hits");
        assertEquals(2, hits.path("arith").path("contaminated_documents").asLong());
        assertEquals(1, hits.path("arith").path("items_hit").asLong());
        assertEquals("3", hits.path("arith").path("top_items").path(0).path("item").asText());
        assertEquals(2, hits.path("arith").path("top_items").path(0).path("documents").asLong());
        assertTrue(hits.path("arith").path("top_items").path(0).path("example_span").asText().contains("120 passengers"));
        JsonNode index = (JsonNode) context.reported().get("decontam.index");
        assertEquals(6, index.path("benchmarks").path(0).path("items").asLong());
    }

    @Test
    void documentQuotingTwoItemsListsBothInItsMetadataAndKeepsItsVerdict() throws IOException {
        List<Row> rows = run(twoBenchmarks(DecontamConfig.Action.DROP), HITTING_SEVERAL_ITEMS);

        Map<String, String> quoting = rows.get(0).getJavaMap(StageRows.METADATA);
        assertEquals("3", quoting.get("decontam.item"), "the verdict is the item with most 13-gram hits");
        assertEquals("13gram", quoting.get("decontam.rule"));
        assertEquals(new ObjectMapper().readTree("{\"arith\":{\"3\":\"contaminated\",\"6\":\"contaminated\"}}"),
                new ObjectMapper().readTree(quoting.get("decontam.items")));
        assertEquals(DecontamStage.CONTAMINATED, StageRows.reason(rows.get(0)));
        Map<String, String> echo = rows.get(1).getJavaMap(StageRows.METADATA);
        assertEquals("{\"arith\":{\"3\":\"partial\"}}", echo.get("decontam.items"));
        assertNull(rows.get(3).<String, String>getJavaMap(StageRows.METADATA).get("decontam.items"));
    }

    @Test
    void itemsSectionGivesEachItemItsWorstStatusAndTheDocumentsStillInTrainingWhenDropping() {
        JsonNode items = itemsSection(twoBenchmarks(DecontamConfig.Action.DROP), HITTING_SEVERAL_ITEMS);

        JsonNode arith = items.path("arith");
        assertEquals(BENCHMARKS + "/arith-test.jsonl", arith.path("path").asText());
        assertEquals("gsm8k", arith.path("format").asText());
        assertTrue(arith.path("id_field").isNull(), "arith items are numbered in file order");
        assertEquals(6, arith.path("items").asLong());
        assertEquals(List.of("1", "3", "6"), fieldNames(arith.path("flagged")), "flagged items, in file order");
        assertFlagged(arith, "3", "contaminated", 2, 1);
        assertFlagged(arith, "6", "contaminated", 1, 0);
        assertFlagged(arith, "1", "partial", 1, 1);
        assertEquals(2, arith.path("contaminated").asLong());
        assertEquals(1, arith.path("partial").asLong());
        assertEquals(3, arith.path("clean").asLong(), "clean = items − flagged");

        JsonNode pyfunc = items.path("pyfunc");
        assertEquals("humaneval", pyfunc.path("format").asText());
        assertEquals("task_id", pyfunc.path("id_field").asText());
        assertEquals(3, pyfunc.path("items").asLong());
        assertEquals(3, pyfunc.path("clean").asLong());
        assertEquals(0, pyfunc.path("flagged").size());
        for (JsonNode benchmark : items) {
            assertEquals(benchmark.path("items").asLong(), benchmark.path("contaminated").asLong()
                    + benchmark.path("partial").asLong() + benchmark.path("clean").asLong());
            assertEquals(benchmark.path("flagged").size(), benchmark.path("contaminated").asLong()
                    + benchmark.path("partial").asLong());
        }
    }

    @Test
    void cutDocumentsStillCountAsInTrainingForEveryItemTheyHit() {
        JsonNode arith = itemsSection(twoBenchmarks(DecontamConfig.Action.CUT), HITTING_SEVERAL_ITEMS).path("arith");

        assertFlagged(arith, "3", "contaminated", 2, 2);
        assertFlagged(arith, "6", "contaminated", 1, 1);
        assertFlagged(arith, "1", "partial", 1, 1);
        assertEquals(3, arith.path("clean").asLong());
    }

    @Test
    void idFieldNamingTwoItemsAlikeIsRefused(@TempDir Path dir) throws IOException {
        Path items = dir.resolve("items.jsonl");
        Files.writeString(items, "{\"id\": \"q1\", \"question\": \"one\"}\n{\"id\": \"q1\", \"question\": \"two\"}\n");
        DecontamConfig config = new DecontamConfig(List.of(new BenchmarkConfig("dup", BenchmarkConfig.Format.JSONL,
                items.toString(), List.of("question"), Optional.of("id"))), List.of(), 1, 13, 7, 0.5, 0.2,
                DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 50);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> run(config, HOST));
        assertTrue(refused.getMessage().contains("'id' = 'q1'"), refused.getMessage());
    }

    @Test
    void aChangedBenchmarkFileIsIndexedAgainAndAnUnchangedOneIsNot(@TempDir Path dir) throws IOException {
        Path items = dir.resolve("items.jsonl");
        Files.writeString(items, "{\"question\": \"" + SAVINGS_QUESTION + "\", \"answer\": \"#### 80\"}\n");
        DecontamConfig config = new DecontamConfig(List.of(new BenchmarkConfig("mine", BenchmarkConfig.Format.GSM8K,
                items.toString(), List.of(), Optional.empty())), List.of(), 1, 13, 7, 0.5, 0.2,
                DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 50);
        assertNull(StageRows.reason(run(config, HOST + " " + QUESTION).get(0)));
        DecontamConfig cutting = new DecontamConfig(config.benchmarks(), List.of(), 1, 13, 7, 0.5, 0.2,
                DecontamConfig.Action.CUT, DecontamConfig.Action.KEEP, 50);
        assertSame(((DecontamStage) config.build()).matcher(spark), ((DecontamStage) cutting.build()).matcher(spark),
                "the same files and index settings (another action): the index is built once");

        Files.writeString(items, Files.readString(items) + "{\"question\": \"" + QUESTION
                + "\", \"answer\": \"#### 98\"}\n");
        assertEquals(DecontamStage.CONTAMINATED, StageRows.reason(run(config, HOST + " " + QUESTION).get(0)),
                "the item added to the file is matched");
    }

    @Test
    void benchmarkNamedTwiceIsRefused() {
        BenchmarkConfig arith = new BenchmarkConfig("arith", BenchmarkConfig.Format.GSM8K,
                BENCHMARKS + "/arith-test.jsonl", List.of(), Optional.empty());

        assertThrows(InvalidConfigValue.class, () -> new DecontamConfig(List.of(arith, arith), List.of(), 1, 13, 7,
                0.5, 0.2, DecontamConfig.Action.DROP, DecontamConfig.Action.KEEP, 50));
    }

    @Test
    void ratiosAreWrittenAsTheFormatterWritesThem() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        List<Double> values = new java.util.ArrayList<>(List.of(0.0, 1.0, 0.0005, 0.0015, 0.0625, 0.9995, 1e-9, 0.125,
                999.9995, 123456.7895, 2e6, -0.25, Double.NaN, Double.POSITIVE_INFINITY));
        for (int whole = 1; whole <= 1500; whole++) {
            for (int part = 0; part <= whole; part++) {
                values.add((double) part / whole);
            }
        }
        for (int i = 0; i < 200_000; i++) {
            values.add(random.nextDouble() * (i % 2 == 0 ? 1 : 5_000));
        }
        for (double value : values) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.3f", value), DecontamStage.threeDecimals(value),
                    "value " + value);
        }
    }

    private static void assertFlagged(JsonNode benchmark, String item, String status, long documents, long kept) {
        JsonNode flagged = benchmark.path("flagged").path(item);
        assertEquals(status, flagged.path("status").asText(), "item " + item);
        assertEquals(documents, flagged.path("documents").asLong(), "documents hitting item " + item);
        assertEquals(kept, flagged.path("kept_documents").asLong(), "documents of item " + item + " still kept");
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
