package dev.phi4j.pipeline.dedup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.StageRows;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class DedupStageTest {

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    /** GSM8K test items, then every 10th again verbatim (exact) and every 10th (offset 5) with one word changed. */
    private static List<Document> corpus() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Document> docs = new ArrayList<>();
        List<String> lines = Files.readAllLines(TestSpark.shared("gsm8k/test.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            JsonNode item = json.readTree(lines.get(i));
            String text = item.get("question").asText() + "\n\n" + item.get("answer").asText();
            docs.add(Document.of("gsm8k", SourceClass.QA, "test.jsonl#line=" + (i + 1), text, Map.of(), List.of()));
            if (i % 10 == 0) {
                docs.add(Document.of("mirror", SourceClass.QA, "mirror#" + i, text.toUpperCase(), Map.of(), List.of()));
            }
            if (i % 10 == 5) {
                String[] words = text.split(" ");
                words[words.length / 2] = "banana";
                docs.add(Document.of("edited", SourceClass.QA, "edited#" + i, String.join(" ", words), Map.of(),
                        List.of()));
            }
        }
        return docs;
    }

    @Test
    void plantedExactAndNearCopiesOfRealItemsAreFoundAndTheSmallestIdKept() throws IOException {
        List<Document> docs = corpus();
        Dataset<Row> input = SparkRecords.dataFrame(spark, Document.class, docs);
        RunningContext context = new RunningContext(spark, 42);
        DedupStage stage = (DedupStage) new DedupConfig(true, true, 5, 14, 8, 0, 50).build();

        Dataset<Row> output = stage.apply(input, context).cache();
        List<Row> rows = output.collectAsList();
        stage.summarize(output, context);

        Map<String, Row> byOrigin = rows.stream().collect(Collectors.toMap(r -> r.getString(StageRows.ORIGIN_URI),
                r -> r));
        Map<String, String> idByOrigin = new HashMap<>();
        docs.forEach(d -> idByOrigin.put(d.originUri(), d.id()));
        int exactFound = 0;
        int nearFound = 0;
        int planted = 0;
        for (int i = 0; i < 1319; i++) {
            String original = "test.jsonl#line=" + (i + 1);
            String copy = i % 10 == 0 ? "mirror#" + i : i % 10 == 5 ? "edited#" + i : null;
            if (copy == null) {
                continue;
            }
            planted++;
            Row pairDropped = List.of(byOrigin.get(original), byOrigin.get(copy)).stream()
                    .filter(r -> StageRows.reason(r) != null).findFirst().orElse(null);
            if (pairDropped == null) {
                continue;
            }
            String smaller = idByOrigin.get(original).compareTo(idByOrigin.get(copy)) < 0
                    ? idByOrigin.get(original) : idByOrigin.get(copy);
            assertEquals(smaller, pairDropped.<String, String>getJavaMap(StageRows.METADATA).get(DedupStage.DUPLICATE_OF));
            if (StageRows.reason(pairDropped).equals(DedupStage.EXACT)) {
                exactFound++;
            } else {
                nearFound++;
            }
        }
        long droppedOriginals = rows.stream().filter(r -> r.getString(StageRows.SOURCE).equals("gsm8k")
                && StageRows.reason(r) != null && idByOrigin.get(r.getString(StageRows.ORIGIN_URI))
                .compareTo(r.<String, String>getJavaMap(StageRows.METADATA).get(DedupStage.DUPLICATE_OF)) < 0).count();
        assertEquals(132, exactFound, "every upper-cased copy is an exact duplicate once normalised");
        assertTrue(nearFound >= 0.95 * (planted - 132), nearFound + " of " + (planted - 132) + " one-word edits found");
        assertEquals(0, droppedOriginals, "no original is dropped for a document with a larger id");
        Set<String> copyIds = docs.stream().filter(d -> !d.source().equals("gsm8k")).map(Document::id)
                .collect(Collectors.toSet());
        long droppedForAnotherItem = rows.stream().filter(r -> r.getString(StageRows.SOURCE).equals("gsm8k")
                && StageRows.reason(r) != null && !copyIds.contains(r.<String, String>getJavaMap(StageRows.METADATA)
                .get(DedupStage.DUPLICATE_OF))).count();
        assertTrue(droppedForAnotherItem <= 5, droppedForAnotherItem
                + " GSM8K test items dropped as near duplicates of other test items");
        Map<String, Object> sections = context.reported();
        JsonNode clusters = (JsonNode) sections.get("dedup.clusters");
        assertEquals(132, clusters.path("exact_duplicate").path("duplicates").asLong());
        assertEquals(132, clusters.path("exact_duplicate").path("size_histogram").path("2").asLong());
        assertTrue(clusters.path("near_duplicate").path("largest").size() > 0);
        JsonNode search = (JsonNode) sections.get("dedup.search");
        assertTrue(search.path("iterations").asInt() <= 4, search.toString());
        assertEquals(112, search.path("bands").asInt() * search.path("rows").asInt());
    }

    @Test
    void duplicateRatePerSourceCountsTheCopiesPlantedInEachSource() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> items = new ArrayList<>();
        for (String line : Files.readAllLines(TestSpark.shared("gsm8k/test.jsonl")).subList(0, 40)) {
            JsonNode item = json.readTree(line);
            items.add(item.get("question").asText() + "\n\n" + item.get("answer").asText());
        }
        List<Document> docs = new ArrayList<>();
        String textbook = "synth/textbook_section";
        for (int i = 0; i < 10; i++) {
            docs.add(document(textbook, "a" + i, items.get(i)));
        }
        for (int i = 0; i < 3; i++) {
            docs.add(document(textbook, "a-copy" + i, items.get(i).toUpperCase()));
        }
        String qa = "synth/step_by_step_qa";
        for (int i = 10; i < 18; i++) {
            docs.add(document(qa, "b" + i, items.get(i)));
        }
        for (int i = 10; i < 12; i++) {
            String[] words = items.get(i).split(" ");
            words[words.length / 2] = "banana";
            docs.add(document(qa, "b-edit" + i, String.join(" ", words)));
        }
        docs.add(document(qa, "b-copy1", items.get(12)));
        docs.add(document(qa, "b-copy2", items.get(12) + "  "));
        for (int i = 20; i < 40; i++) {
            docs.add(document("gsm8k", "c" + i, items.get(i)));
        }
        RunningContext context = new RunningContext(spark, 42);
        DedupStage stage = (DedupStage) new DedupConfig(true, true, 5, 14, 8, 0, 50).build();

        Dataset<Row> output = stage.apply(SparkRecords.dataFrame(spark, Document.class, docs), context).cache();
        stage.summarize(output, context);

        JsonNode bySource = (JsonNode) context.reported().get("dedup.by_source");
        assertEquals(json.readTree("""
                [{"source": "synth/step_by_step_qa", "documents": 12, "exact_duplicates": 2, "near_duplicates": 2,
                  "duplicate_rate": %s},
                 {"source": "synth/textbook_section", "documents": 13, "exact_duplicates": 3, "near_duplicates": 0,
                  "duplicate_rate": %s},
                 {"source": "gsm8k", "documents": 20, "exact_duplicates": 0, "near_duplicates": 0,
                  "duplicate_rate": 0.0}]""".formatted(4 / 12.0, 3 / 13.0)).toString(), bySource.toString());
        assertNotNull(context.reported().get("dedup.clusters"), "the existing sections are still written");
    }

    private static Document document(String source, String origin, String text) {
        return Document.of(source, source.startsWith("synth/") ? SourceClass.SYNTHETIC : SourceClass.QA, origin, text,
                Map.of(), List.of());
    }

    @Test
    void outputDoesNotDependOnPartitioning() throws IOException {
        List<Document> docs = corpus().subList(0, 400);
        DedupConfig config = new DedupConfig(true, true, 5, 14, 8, 0.5, 50);
        Set<Row> one = Set.copyOf(config.build().apply(SparkRecords.dataFrame(spark, Document.class, docs)
                .coalesce(1), new RunningContext(spark, 5)).collectAsList());
        Set<Row> many = Set.copyOf(config.build().apply(SparkRecords.dataFrame(spark, Document.class, docs)
                .repartition(7), new RunningContext(spark, 5)).collectAsList());

        assertEquals(one, many);
    }

    @Test
    void clusterSizesAreBucketedExactlyWhenSmallAndByPowersOfTwoBeyond() {
        assertEquals(List.of("2", "3", "4", "5-8", "5-8", "9-16", "17-32"),
                List.of(2L, 3L, 4L, 5L, 8L, 9L, 20L).stream().map(DedupStage::bucket).toList());
    }
}
