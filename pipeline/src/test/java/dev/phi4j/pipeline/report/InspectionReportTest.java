package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.mixture.MixtureFixtures;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The report of the shared sample build, plus a stage manifest carrying the sections of stages still to come. */
class InspectionReportTest {

    @TempDir
    static java.nio.file.Path dir;

    private static MixtureFixtures.SampleRun sample;
    private static String html;
    private static JsonNode summary;
    private static String plainHtml;
    private static String documentId;

    @BeforeAll
    static void render() throws IOException {
        sample = MixtureFixtures.sampleRun(TestSpark.session());
        java.nio.file.Path run = dir.resolve("run");
        ReportFixtures.copyManifests(sample.run(), run);
        documentId = sample.set("pretrain").manifest().sections().get("mixture.samples").path("documents")
                .fieldNames().next();
        ReportFixtures.addLaterStageSections(run, documentId);
        InspectionReport.Written written = InspectionReport.write(new Path(run.toString()), List.of(),
                new Path(run.resolve("report.html").toString()), new Path(run.resolve("report.json").toString()),
                new Configuration());
        html = Files.readString(run.resolve("report.html"));
        summary = ManifestJson.MAPPER.readTree(run.resolve("report.json").toFile());
        assertTrue(written.sets() >= 4, written.sets() + " sets");
        InspectionReport.write(new Path(sample.run().toString()), List.of(), new Path(dir.resolve("plain.html")
                .toString()), new Path(dir.resolve("plain.json").toString()), new Configuration());
        plainHtml = Files.readString(dir.resolve("plain.html"));
    }

    @Test
    void pageIsSelfContained() {
        assertFalse(html.contains("<link"), "no stylesheets to fetch");
        assertFalse(Pattern.compile("\\ssrc\\s*=").matcher(html).find(), "no scripts or images to fetch");
        assertFalse(Pattern.compile("href\\s*=\\s*\"(https?:|//)").matcher(html).find(), "no links off the page");
        assertFalse(html.contains("url(") || html.contains("@import"), "no style fetches");
        assertTrue(html.contains("content=\"default-src 'none'"), "a content security policy forbids fetches");
        assertTrue(html.contains("<svg"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
    }

    @Test
    void funnelShowsEveryStagesAccounting() throws IOException {
        JsonNode stages = summary.path("stages");
        assertEquals(5, stages.size(), "ingest, clean, dedup, decontam and the later stage");
        JsonNode ingest = stages.get(0);
        long kept = ManifestJson.MAPPER.readTree(sample.run().resolve("00-ingest/_manifest.json").toFile())
                .path("counts").path("kept").asLong();
        assertEquals(kept, ingest.path("kept").asLong());
        assertEquals(ingest.path("in").asLong(), ingest.path("kept").asLong() + ingest.path("dropped").asLong());
        assertTrue(html.contains("Funnel: records per stage"));
        assertTrue(html.contains(String.format("%,d", kept)), "the kept count is shown");
        assertTrue(html.contains("too_easy 4"), "drop reasons of every stage");
        for (JsonNode stage : stages) {
            assertTrue(stage.path("invariant_holds").asBoolean(), stage.toString());
        }
    }

    @Test
    void mixtureTableShowsTargetRealizedAndEpochsPerGroup() {
        JsonNode pretrain = null;
        for (JsonNode set : summary.path("sets")) {
            if (set.path("name").asText().equals("pretrain")) {
                pretrain = set;
            }
        }
        assertNotNull(pretrain);
        Map<String, JsonNode> buckets = new HashMap<>();
        pretrain.path("mixture").forEach(b -> buckets.put(b.path("bucket").asText(), b));
        assertEquals(0.2 / 0.45, buckets.get("code").path("effective_share").asDouble(), 1e-9);
        assertEquals(buckets.get("code").path("effective_share").asDouble(),
                buckets.get("code").path("realized_share").asDouble(), 0.01);
        assertTrue(buckets.get("web").path("epochs").asDouble() > 1);
        assertTrue(html.contains("Mixture: target vs realized"));
        String realized = String.format(java.util.Locale.ROOT, "%.2f%%",
                100 * buckets.get("code").path("realized_share").asDouble());
        assertTrue(html.contains(realized), "realized share " + realized + " is printed");
        assertTrue(html.contains("no synthetic documents in the input"), "the renormalisation note is shown");
    }

    @Test
    void corpusProfileShowsHistogramsAndTopNgramsPerSource() {
        JsonNode profile = sample.set("pretrain").manifest().sections().get("corpus.profile");
        assertTrue(html.contains("Corpus: token lengths and top n-grams per source"));
        for (JsonNode source : profile.path("sources")) {
            assertTrue(html.contains("<h3>" + Html.escape(source.path("source").asText()) + " <span"),
                    source.path("source").asText());
        }
        JsonNode gsm8k = null;
        for (JsonNode source : profile.path("sources")) {
            if (source.path("source").asText().equals("gsm8k")) {
                gsm8k = source;
            }
        }
        assertNotNull(gsm8k);
        String top = gsm8k.path("top_ngrams").get(0).path("ngram").asText();
        assertTrue(html.contains("<code>" + Html.escape(top) + "</code>"), top);
        assertTrue(gsm8k.path("top_ngrams").get(0).path("count").asLong() >= gsm8k.path("top_ngrams").get(1)
                .path("count").asLong());
    }

    @Test
    void sectionsOfLaterStagesRenderWhenTheirManifestsCarryThem() {
        for (String title : List.of("Plurality filtering: answer agreement", "Self-revision: score changes",
                "Teacher calls, tokens and cost", "Code execution: outcomes in the sandbox",
                "Expansion: output rows per input row")) {
            assertTrue(html.contains(title), title);
            assertFalse(plainHtml.contains(title), title + " is omitted when no stage wrote the section");
        }
        assertTrue(html.contains("$12.50"));
        assertTrue(html.contains("1,003 requests to endpoints in 250.0 s · 4.01 requests/s · 1600.0 completion "
                + "tokens/s · cache hit rate 16.67%"), "teacher.usage's stage-wide line");
        assertTrue(html.contains("96 sandbox runs, 192.0 s in the sandbox (2.00 s per run)"));
        assertTrue(html.contains("<tr><td>passed</td><td class=\"num\">70</td><td class=\"num\">70.00%</td></tr>"
                + "<tr><td>test_failed</td><td class=\"num\">20</td>"), "outcomes, the most frequent first");
        assertTrue(html.contains("40 input rows → 130 output rows (3.25 per input row, kept and dropped); 40 of the "
                + "input rows (100.00%) are the parent of at least one"));
        assertTrue(html.contains("future.unknown_section"), "an unregistered section is still shown, as tables");
        assertTrue(html.contains("<td>answer</td><td>42</td>"));
    }

    @Test
    void dedupAndDecontaminationSectionsOfTheRealStagesRender() throws IOException {
        JsonNode hits = ManifestJson.MAPPER.readTree(sample.run().resolve("03-decontam/_manifest.json").toFile())
                .path("sections").path("decontam.hits");
        assertTrue(html.contains("Decontamination: hits per benchmark"));
        assertTrue(html.contains("Deduplication: cluster sizes"));
        assertTrue(html.contains("Deduplication: MinHash-LSH search"));
        long contaminated = hits.path("gsm8k").path("contaminated_documents").asLong()
                + hits.path("humaneval").path("contaminated_documents").asLong();
        assertTrue(contaminated > 0, "GSM8K train shares 13-grams with GSM8K test: " + hits);
        for (JsonNode item : hits.path("gsm8k").path("top_items")) {
            assertTrue(html.contains("<mark>" + Html.escape(item.path("example_span").asText()) + "</mark>"),
                    "overlapping span of " + item.path("item").asText() + " is highlighted");
        }
    }

    @Test
    void duplicateRatesPerSourceOfTheRealDedupStageRenderHighestFirst() throws IOException {
        JsonNode bySource = ManifestJson.MAPPER.readTree(sample.run().resolve("02-dedup/_manifest.json").toFile())
                .path("sections").path("dedup.by_source");
        assertTrue(bySource.size() >= 4, "one row per source of the sample run: " + bySource);
        assertTrue(plainHtml.contains("Deduplication: duplicate rate per source"));
        List<JsonNode> sources = new ArrayList<>();
        bySource.forEach(sources::add);
        sources.sort(Comparator.comparingDouble((JsonNode s) -> s.path("duplicate_rate").asDouble()).reversed()
                .thenComparing(s -> s.path("source").asText()));
        int card = plainHtml.indexOf("Deduplication: duplicate rate per source");
        int previous = card;
        for (JsonNode source : sources) {
            String row = "<tr><td>" + Html.escape(source.path("source").asText()) + "</td><td class=\"num\">"
                    + String.format(Locale.ROOT, "%,d", source.path("documents").asLong()) + "</td>";
            int at = plainHtml.indexOf(row, card);
            assertTrue(at > previous, row + " follows the rows of higher duplicate rates");
            previous = at;
            assertEquals(source.path("documents").asLong() * source.path("duplicate_rate").asDouble(),
                    source.path("exact_duplicates").asLong() + source.path("near_duplicates").asLong(), 1e-6);
        }
    }

    @Test
    void dedupClustersRenderAHistogramAndTheLargestClusters() {
        RunReport.Section section = new RunReport.Section("dedup.clusters", "02-dedup", ReportFixtures.json("""
                {"exact_duplicate": {"kind": "exact_duplicate", "clusters": 5, "duplicates": 9,
                  "size_histogram": {"2": 3, "3": 1, "5-8": 1},
                  "largest": [{"kept_id": "doc-aaaaaaaaaaaaaaaa", "size": 6, "kept_origin_uri": "web.warc#offset=0",
                               "kept_excerpt": "All rights reserved."}]},
                 "near_duplicate": {"kind": "near_duplicate", "clusters": 0, "duplicates": 0, "size_histogram": {},
                  "largest": []}}"""));
        Html out = new Html();
        RecordIndex records = new RecordIndex();
        new DataSections.DedupClusters().render(out, section, new ReportContext(null, records));
        String card = out.toString();
        assertTrue(card.contains("5 clusters of duplicates; 9 documents dropped"), card);
        assertTrue(card.contains("<svg") && card.contains(">5-8<"), "the size histogram with its bins");
        assertTrue(card.contains("All rights reserved."));
        assertEquals("web.warc#offset=0", records.all().get(0).path("fields").path("origin").asText());
    }

    @Test
    void sampleBrowserLeadsFromASequenceToItsSourceFileAndFromASampleToItsSeedAndTeacherCall() throws IOException {
        Map<String, JsonNode> records = records(html);
        JsonNode sequence = records.values().stream().filter(r -> r.path("type").asText().equals("sequence")
                && r.path("fields").path("set").asText().equals("pretrain")).findFirst().orElseThrow();
        assertTrue(sequence.path("parents").size() > 0);
        JsonNode document = records.get(sequence.path("parents").get(0).asText());
        assertEquals("document", document.path("type").asText());
        assertTrue(document.path("fields").path("origin").asText().matches("file:/.+(#line=\\d+|#offset=\\d+|\\.java)"),
                "the source file and the place in it: " + document);
        JsonNode synthetic = records.get("sample-eeeeeeeeeeeeeeee");
        assertEquals(List.of("seed-cccccccccccccccc", "call-dddddddddddddddd"),
                List.of(synthetic.path("parents").get(0).asText(), synthetic.path("parents").get(1).asText()));
        JsonNode seed = records.get("seed-cccccccccccccccc");
        assertEquals(documentId, seed.path("parents").get(0).asText());
        assertTrue(records.containsKey(documentId), "the seed's document is in the browser with its origin");
        assertEquals("teacher-large", records.get("call-dddddddddddddddd").path("fields").path("model").asText());
        JsonNode sft = records.values().stream().filter(r -> r.path("fields").path("set").asText().equals("sft"))
                .findFirst().orElseThrow();
        boolean loss = false;
        boolean prompt = false;
        for (JsonNode run : sft.path("runs")) {
            loss |= run.path("loss").asBoolean();
            prompt |= run.has("text") && !run.path("loss").asBoolean();
        }
        assertTrue(loss && prompt, "SFT rows show which text is inside the loss");
    }

    @Test
    void aRealSynthesizedSampleLeadsToItsSeedDocumentSourceFileAndTeacherCallsWithItsRevisions() throws IOException {
        java.nio.file.Path run = ReportFixtures.synthRun(TestSpark.session());
        InspectionReport.write(new Path(run.toString()), List.of(), new Path(dir.resolve("synth.html").toString()),
                new Path(dir.resolve("synth.json").toString()), new Configuration());
        String synthHtml = Files.readString(dir.resolve("synth.html"));
        Map<String, JsonNode> records = records(synthHtml);
        SyntheticSample sample = SparkRecords.read(TestSpark.session(), run.resolve("02-textbook/data").toString(),
                SyntheticSample.class).orderBy("id").collectAsList().stream()
                .map(row -> SparkRecords.fromRow(row, SyntheticSample.class)).findFirst().orElseThrow();

        JsonNode listed = records.get(sample.id());
        assertNotNull(listed, "the kept sample with the smallest id is in the browser");
        assertEquals("synthetic_sample", listed.path("type").asText());
        assertEquals("textbook_section", listed.path("title").asText());
        assertEquals(sample.response(), listed.path("text").asText());
        assertEquals(sample.lineage(), strings(listed.path("parents")));
        JsonNode fields = listed.path("fields");
        assertTrue(fields.path("prompt (last user message)").asText().startsWith("Critique this textbook section"));
        assertEquals("rubric_final 8.50, rubric_first 5.50", fields.path("scores").asText());
        assertTrue(fields.path("variables").asText().matches("audience = .+; style = .+"), fields.toString());
        assertEquals(sample.revisions().get(0).draft(), fields.path("first draft").asText());
        assertEquals("score 5.50\n\ncritique:\n" + sample.revisions().get(0).critique() + "\n\nrevised:\n"
                + sample.response(), fields.path("revision 1").asText(), "the revision round, readable");

        JsonNode seed = records.get(sample.lineage().get(0));
        assertEquals("seed", seed.path("type").asText());
        assertEquals(sample.metadata().get("seed_text"), seed.path("text").asText());
        assertTrue(seed.path("fields").path("educational value").asText().matches("\\d\\.\\d{3}"));
        JsonNode document = records.get(seed.path("parents").get(0).asText());
        assertEquals("document", document.path("type").asText());
        assertTrue(List.of("page.html", "input.txt").contains(document.path("fields").path("origin").asText()),
                "the seed's document leads to its source file: " + document);
        for (TeacherCall call : sample.calls()) {
            JsonNode teacherCall = records.get(call.callId());
            assertEquals("teacher_call", teacherCall.path("type").asText());
            assertEquals("scripted-teacher", teacherCall.path("fields").path("teacher").asText());
            assertEquals(call.model(), teacherCall.path("fields").path("model").asText());
            assertEquals(call.step(), teacherCall.path("fields").path("step").asText());
            assertEquals(call.cacheKey(), teacherCall.path("fields").path("cache key").asText());
        }
        assertEquals(List.of("planner", "writer", "critique-1", "revise-1", "critique-2"),
                sample.calls().stream().map(TeacherCall::step).toList());

        Map<String, Long> listedByTitle = new TreeMap<>();
        records.values().stream().filter(r -> r.path("type").asText().equals("synthetic_sample"))
                .forEach(r -> listedByTitle.merge(r.path("title").asText(), 1L, Long::sum));
        JsonNode counts = ManifestJson.MAPPER.readTree(run.resolve("02-textbook/_manifest.json").toFile())
                .path("counts");
        Map<String, Long> expected = new TreeMap<>(Map.of("textbook_section", Math.min(3, counts.path("kept")
                .asLong())));
        counts.path("dropped_by_reason").fields().forEachRemaining(e -> expected.put("textbook_section · "
                + e.getKey(), Math.min(3, e.getValue().asLong())));
        assertTrue(expected.containsKey("textbook_section · not_applicable"), "question seeds: " + counts);
        assertEquals(expected, listedByTitle, "stage_output.examples (3) samples of each outcome");
        assertTrue(synthHtml.contains("Expansion: output rows per input row"), "the seed stage's expansion");
        assertTrue(synthHtml.contains("requests to endpoints in"), "the teacher's request rate");
    }

    @Test
    void theSeedStageListsSeedsOfEachOutcomeWithTheirDocuments() throws IOException {
        java.nio.file.Path run = ReportFixtures.synthRun(TestSpark.session());
        JsonNode listed = ManifestJson.MAPPER.readTree(run.resolve("01-seed/_manifest.json").toFile())
                .path("sections").path("lineage.records");
        Map<String, JsonNode> byId = new HashMap<>();
        listed.forEach(r -> byId.put(r.path("id").asText(), r));
        long seeds = 0;
        for (JsonNode record : listed) {
            if (record.path("type").asText().equals("seed")) {
                seeds++;
                JsonNode document = byId.get(record.path("parents").get(0).asText());
                assertEquals("document", document.path("type").asText(), "each seed is followed by its document");
                assertFalse(document.path("fields").path("origin").asText().isEmpty());
            }
        }
        JsonNode counts = ManifestJson.MAPPER.readTree(run.resolve("01-seed/_manifest.json").toFile()).path("counts");
        long expected = Math.min(3, counts.path("kept").asLong());
        for (JsonNode dropped : counts.path("dropped_by_reason")) {
            expected += Math.min(3, dropped.asLong());
        }
        assertTrue(counts.path("kept").asLong() > 0 && counts.path("dropped").asLong() > 0, counts.toString());
        assertEquals(expected, seeds, "stage_output.examples (3) seeds of each outcome: " + counts);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static Map<String, JsonNode> records(String page) throws IOException {
        int start = page.indexOf("<script type=\"application/json\" id=\"records\">");
        String json = page.substring(page.indexOf('>', start) + 1, page.indexOf("</script>", start));
        Map<String, JsonNode> records = new HashMap<>();
        for (JsonNode record : ManifestJson.MAPPER.readTree(json)) {
            records.put(record.path("id").asText(), record);
        }
        return records;
    }

    @Test
    void everyRegisteredSectionIsDocumentedInTheReadme() throws IOException {
        String readme = Files.readString(TestSpark.root().resolve("pipeline/README.md"));
        for (SectionRenderer renderer : ReportSections.ordered()) {
            assertTrue(readme.contains("`" + renderer.name() + "`"), renderer.name() + " is not in pipeline/README.md");
        }
    }

    @Test
    void scriptDataCannotCloseItsScriptElement() {
        assertEquals("[\"<\\/script>\"]", RecordIndex.safeForScript("[\"</script>\"]"));
    }
}
