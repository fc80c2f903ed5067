package dev.phi4j.pipeline.seed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.schema.Document;
import dev.phi4j.core.schema.Seed;
import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SourceClass;
import dev.phi4j.pipeline.DocumentsFixture;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.StageOutputConfig;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.RunLayout;
import dev.phi4j.pipeline.stage.StageConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class SeedStageTest {

    private static final SeedConfig DEFAULTS = new SeedConfig(Optional.empty(), List.of(), 200, 1500, 4, 0.3,
            List.of("because", "therefore", "thus", "for example", "means"),
            List.of("cookie", "login", "subscribe", "privacy policy"), SeedConfig.Scorer.HEURISTIC, Optional.empty());

    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = TestSpark.session();
    }

    @Test
    void passagesFollowParagraphsAndStayWithinTheBounds() {
        String paragraph = "Heat flows from hot to cold bodies because molecules collide. ".repeat(3).strip();
        String text = String.join("\n\n", paragraph, "Short.", paragraph, "x".repeat(10), paragraph + " " + paragraph
                + " " + paragraph + " " + paragraph + " " + paragraph + " " + paragraph + " " + paragraph);
        Excerpts excerpts = new Excerpts(200, 600);

        List<Excerpt> passages = excerpts.passages(text);

        assertFalse(passages.isEmpty());
        for (Excerpt passage : passages) {
            String cut = text.substring(passage.start(), passage.end());
            assertTrue(cut.length() >= 200 && cut.length() <= 600, cut.length() + ": " + cut);
            assertEquals(cut.strip(), cut, "excerpts are trimmed");
        }
    }

    @Test
    void pythonCodeIsCutIntoTopLevelDefinitionsAndAProblemWithTestsStaysWhole() {
        String code = "import math\n\n\ndef area(r):\n    \"\"\"Area of a circle.\"\"\"\n    if r < 0:\n"
                + "        raise ValueError(r)\n    return math.pi * r * r\n\n\nclass Stack:\n    def __init__(self):\n"
                + "        self.items = []\n\n    def push(self, x):\n        self.items.append(x)\n\n\nprint(area(2))\n";
        Excerpts excerpts = new Excerpts(20, 1500);

        List<String> cuts = excerpts.of(code, SourceClass.CODE, false).stream()
                .map(e -> code.substring(e.start(), e.end())).toList();

        assertEquals(2, cuts.size(), cuts.toString());
        assertTrue(cuts.get(0).startsWith("def area(r):") && cuts.get(0).endsWith("return math.pi * r * r"));
        assertTrue(cuts.get(1).startsWith("class Stack:") && cuts.get(1).contains("def push"));
        assertEquals(List.of(new Excerpt(0, code.length(), SeedKind.CODE)), excerpts.of(code, SourceClass.CODE, true));
    }

    @Test
    void explanatoryProseOutscoresBoilerplate() {
        SeedScorer scorer = new SeedScorer(DEFAULTS.reasoningMarkers(), DEFAULTS.boilerplateMarkers());
        String textbook = "A prime number has exactly two divisors. Therefore 7 is prime, because only 1 and 7 divide "
                + "it. For example, 9 is not prime, since 3 divides it; thus every even number above 2 is composite.";
        String boilerplate = "Login | Subscribe | Cookie settings | Privacy policy | Login to subscribe | Home | "
                + "Cookie preferences | Subscribe now";

        SeedScorer.Score good = scorer.score(textbook, SeedKind.PASSAGE, false);
        SeedScorer.Score bad = scorer.score(boilerplate, SeedKind.PASSAGE, false);

        assertTrue(good.educationalValue() > bad.educationalValue() + 0.3, good + " vs " + bad);
        assertTrue(good.tags().reasoningSteps() >= 3, good.toString());
        assertEquals(0, bad.tags().reasoningSteps());
    }

    @Test
    void realSourcesBecomeSeedsAndEveryDocumentIsAccountedFor() throws IOException {
        List<Document> documents = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        List<String> gsm8k = Files.readAllLines(TestSpark.shared("gsm8k/train.jsonl")).subList(0, 40);
        for (int i = 0; i < gsm8k.size(); i++) {
            JsonNode item = json.readTree(gsm8k.get(i));
            documents.add(Document.of("gsm8k", SourceClass.QA, "train.jsonl#line=" + (i + 1),
                    item.get("question").asText(), Map.of("answer", item.get("answer").asText()), List.of()));
        }
        String shakespeare = Files.readString(TestSpark.shared("tinyshakespeare/input.txt")).substring(0, 20_000);
        documents.add(Document.of("shakespeare", SourceClass.BOOKS, "input.txt", shakespeare, Map.of(), List.of()));
        documents.add(Document.of("web", SourceClass.WEB, "tiny.html", "Too short to seed.", Map.of(), List.of()));
        Path input = dir.resolve("documents");
        SparkRecords.dataFrame(spark, Document.class, documents).write().parquet(input.toString());

        List<Pipeline.Outcome> outcomes = run(List.of(new DocumentsFixture("documents", input.toString()), DEFAULTS));

        Manifest seeds = outcomes.get(1).manifest();
        assertTrue(seeds.invariant().holds(), seeds.invariant().toString());
        assertEquals(documents.size(), seeds.sections().get("stage.expansion").get("input_rows").asLong());
        assertEquals(documents.size(), seeds.sections().get("stage.expansion").get("input_rows_with_output").asLong());
        assertEquals(1, seeds.counts().droppedByReason().get(SeedStage.NO_EXCERPT));
        Path seedData = dir.resolve("runs/seeds").resolve(seeds.stage().dir()).resolve(RunLayout.DATA);
        List<Seed> kept = SparkRecords.read(spark, seedData.toString(), Seed.class).collectAsList().stream()
                .map(row -> SparkRecords.fromRow(row, Seed.class)).toList();
        Map<SeedKind, Long> byKind = kept.stream().collect(Collectors.groupingBy(Seed::kind, Collectors.counting()));
        assertTrue(byKind.getOrDefault(SeedKind.QUESTION, 0L) > 20, byKind.toString());
        assertEquals(4L, byKind.get(SeedKind.PASSAGE), "the book yields its best max_seeds_per_document passages");
        for (Seed seed : kept) {
            Document source = documents.stream().filter(d -> d.id().equals(seed.documentId())).findFirst().orElseThrow();
            assertEquals(source.text().substring(seed.span().start(), seed.span().end()), seed.text());
            assertEquals(source.sourceClass(), seed.sourceClass());
            assertTrue(seed.educationalValue() >= 0.3);
            assertEquals(SeedStage.HEURISTIC, seed.metadata().get(SeedStage.SCORER));
            if (seed.kind() == SeedKind.QUESTION) {
                assertEquals(source.metadata().get("answer"), seed.metadata().get("answer"),
                        "a question keeps its reference answer for generation to use");
            }
        }
    }

    private List<Pipeline.Outcome> run(List<StageConfig> configs) {
        RunConfig run = new RunConfig("seeds", dir.resolve("runs").toString(), 7);
        SparkConfig sparkConfig = new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of());
        List<Pipeline.Step> steps = configs.stream().map(Pipeline.Step::of).toList();
        return new Pipeline(run, sparkConfig, new StageOutputConfig(true, 3), steps,
                new PrintStream(new ByteArrayOutputStream())).run(spark, "# test\n");
    }
}
