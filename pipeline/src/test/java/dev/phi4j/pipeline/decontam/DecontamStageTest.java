package dev.phi4j.pipeline.decontam;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DecontamStageTest {

    private static final String BENCHMARKS = TestSpark.root().resolve("datasets/sample/benchmarks").toString();
    private static final String QUESTION = "A train leaves the station with 120 passengers. At the first stop a quarter"
            + " of them get off and 18 people get on. At the second stop 40 people get off. How many passengers are"
            + " left on the train?";
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

    private static List<Row> run(DecontamConfig config, String... texts) {
        List<Document> docs = java.util.stream.IntStream.range(0, texts.length).mapToObj(i -> Document.of("t",
                SourceClass.QA, "t#" + i, texts[i], Map.of(), List.of())).toList();
        RunningContext context = new RunningContext(spark, 1);
        Dataset<Row> out = config.build().apply(SparkRecords.dataFrame(spark, Document.class, docs), context);
        return out.orderBy("origin_uri").collectAsList();
    }

    @Test
    void normalisationLowerCasesDeletesPunctuationAndSplitsOnWhitespace() {
        assertEquals("dont stopnow its 35 fx", Ngrams.normalized("Don't STOP—now! It's 3.5 f(x)"));
        Ngrams.Words words = Ngrams.words("  Hello, World!  ");
        assertEquals(2, words.count());
        assertEquals(2, words.starts()[0]);
        assertEquals(14, words.ends()[1], "the word ends before the punctuation that follows it");
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
        assertEquals(1, StageRows.lineage(cut).size(), "the cut document points back to the one it was cut from");
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
}
