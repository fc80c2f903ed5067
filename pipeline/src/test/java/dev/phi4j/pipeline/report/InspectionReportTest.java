package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.mixture.MixtureFixtures;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
                "Teacher calls, tokens and cost")) {
            assertTrue(html.contains(title), title);
            assertFalse(plainHtml.contains(title), title + " is omitted when no stage wrote the section");
        }
        assertTrue(html.contains("$12.50"));
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
