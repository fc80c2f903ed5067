package dev.phi4j.pipeline.clean;

import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.ingest.HtmlSource;
import dev.phi4j.pipeline.ingest.IngestConfig;
import dev.phi4j.pipeline.ingest.JsonlSource;
import dev.phi4j.pipeline.stage.RunningContext;
import dev.phi4j.pipeline.stage.Stage;
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
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class CleanStageTest {

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    /** Kept rows of an ingest of {@code source}, as the next stage reads them. */
    private static Dataset<Row> documents(IngestConfig ingest) {
        RunningContext context = new RunningContext(spark, 1);
        Stage stage = ingest.build();
        stage.inputs(context);
        return stage.apply(null, context).filter("drop_reason IS NULL").select(StageRows.documentColumns());
    }

    private static CleanConfig config(String yaml, Path dir) throws IOException {
        Path file = dir.resolve("clean.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, List.of(), CleanConfig.class).config();
    }

    @Test
    void samplePagesKeepArticlesAndDropSpamWithTheRuleThatCaughtThem() throws IOException {
        Dataset<Row> web = documents(new IngestConfig(List.of(new HtmlSource("web", SourceClass.WEB,
                List.of(TestSpark.root().resolve("datasets/sample/web").toString()), true, List.of(".html"),
                1 << 26, 1 << 24))));

        List<Row> rows = new CleanConfig(true, Map.of(), QualityPresets.GOPHER).build()
                .apply(web, new RunningContext(spark, 1)).collectAsList();

        Map<String, String> reasonByFile = rows.stream().collect(Collectors.toMap(
                r -> r.getString(StageRows.ORIGIN_URI).replaceAll(".*/", ""),
                r -> Optional.ofNullable(StageRows.reason(r)).orElse("kept"), (a, b) -> a, TreeMap::new));
        assertEquals(Map.of("bicycle-care.html", "kept", "cheap-shoes.html", "stop_words",
                "links.html", "bullet_lines", "sourdough-mirror.html", "kept", "sourdough.html", "kept",
                "tide-pools-reprint.html", "kept", "tide-pools.html", "kept"), reasonByFile);
        Row spam = rows.stream().filter(r -> "stop_words".equals(StageRows.reason(r))).findFirst().orElseThrow();
        assertEquals(List.of(), StageRows.lineage(spam), "a dropped row is written as it came in");
    }

    @Test
    void realGsm8kAnswersPassTheQaRulesWhileTheirTextIsNormalised() {
        Dataset<Row> qa = documents(new IngestConfig(List.of(new JsonlSource("gsm8k", SourceClass.QA,
                List.of(TestSpark.shared("gsm8k/test.jsonl").toString()), List.of("question", "answer"), "\n\n",
                Optional.empty(), List.of(), List.of(), 1L << 30, 1 << 20))));

        Dataset<Row> cleaned = new CleanConfig(true, Map.of("qa", QualityPresets.QA), QualityPresets.GOPHER).build()
                .apply(qa, new RunningContext(spark, 1)).cache();
        long total = cleaned.count();
        long kept = cleaned.filter("drop_reason IS NULL").count();

        assertEquals(1319, total);
        assertTrue(kept >= 0.99 * total, kept + " of " + total + " kept; dropped: "
                + cleaned.groupBy("drop_reason").count().collectAsList());
        Row first = cleaned.filter("drop_reason IS NULL AND size(lineage) = 1").first();
        assertFalse(first.getString(StageRows.TEXT).contains("  "));
    }

    @Test
    void rulesPerSourceClassComeFromPresetsWithOverrides() throws IOException {
        CleanConfig config = config("rules:\n  qa: {preset: qa, min_words: 40}\n  code: code\n", dir);

        assertEquals(40, config.rulesFor("qa").minWords());
        assertEquals(QualityPresets.QA.minChars(), config.rulesFor("qa").minChars());
        assertFalse(config.rulesFor("code").collapseSpaces());
        assertEquals(QualityPresets.GOPHER, config.rulesFor("books"));

        ConfigException unknown = assertThrows(ConfigException.class, () -> config("rules:\n  podcasts: gopher\n", dir));
        assertEquals("rules.podcasts", unknown.key());
        ConfigException preset = assertThrows(ConfigException.class, () -> config("rules:\n  web: gofer\n", dir));
        assertTrue(preset.getMessage().contains("unknown preset 'gofer'; presets: gopher, qa, code, length_only"),
                preset.getMessage());
    }
}
