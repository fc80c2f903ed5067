package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.HeadlessChromium;
import dev.phi4j.core.schema.SyntheticSample;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.io.SparkRecords;
import dev.phi4j.pipeline.mixture.MixtureFixtures;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Opens the report of the sample build (with the sections of later stages) in headless Chromium: no console error,
 * no uncaught exception, the charts and the sample browser are there and the browser follows lineage on a click; and
 * the report of a real run of the synthetic stages, where a click on a sample walks to its seed, document and source
 * file and shows its revision round. Saves the pages as {@code pipeline/target/report-browser/report.png} and
 * {@code pipeline/target/report-browser-synth/report.png}. Skipped, saying why, only where Chromium is not installed
 * ({@code .ci/run} installs Debian's {@code chromium}).
 */
class ReportBrowserTest {

    private static final int WIDTH = 1280;

    @Test
    void reportRendersInHeadlessChromiumWithoutErrorsAndTheBrowserFollowsLineage() throws Exception {
        var chromium = HeadlessChromium.executable();
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run "
                + "does this): the report's browser check is skipped");
        MixtureFixtures.SampleRun sample = MixtureFixtures.sampleRun(TestSpark.session());
        java.nio.file.Path out = java.nio.file.Path.of("target", "report-browser").toAbsolutePath();
        if (Files.exists(out)) {
            try (Stream<java.nio.file.Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        java.nio.file.Path run = out.resolve("run");
        ReportFixtures.copyManifests(sample.run(), run);
        String documentId = sample.set("pretrain").manifest().sections().get("mixture.samples").path("documents")
                .fieldNames().next();
        ReportFixtures.addLaterStageSections(run, documentId);
        java.nio.file.Path html = run.resolve("report.html");
        InspectionReport.write(new Path(run.toString()), List.of(), new Path(html.toString()),
                new Path(run.resolve("report.json").toString()), new Configuration());

        try (HeadlessChromium browser = new HeadlessChromium(chromium.get())) {
            browser.open(html.toUri().toString(), WIDTH, 900);
            assertEquals(List.of(), browser.errors(), "console errors while loading the report");
            assertTrue(browser.evaluate("document.querySelectorAll('svg.chart').length").asInt() >= 8,
                    "charts are drawn");
            int listed = browser.evaluate("document.querySelectorAll('#browser-list li').length").asInt();
            assertTrue(listed > 10, listed + " records listed");
            assertTrue(browser.evaluate("document.getElementById('browser-detail').textContent").asText()
                    .contains("lineage"), "a record is shown on load");

            JsonNode detail = browser.evaluate("""
                    (function () {
                      var items = document.querySelectorAll('#browser-list li');
                      for (var i = 0; i < items.length; i++) {
                        if (items[i].getAttribute('data-id') === 'sample-eeeeeeeeeeeeeeee') { items[i].click(); }
                      }
                      return document.getElementById('browser-detail').textContent;
                    })()""");
            String text = detail.asText();
            assertTrue(text.contains("seed from a book"), text);
            assertTrue(text.contains("teacher_call: teacher-large"), text);
            assertTrue(text.contains("source file: "), "the seed's document leads to its source file: " + text);

            int filtered = browser.evaluate("""
                    (function () {
                      var box = document.getElementById('browser-filter');
                      box.value = 'teacher-large';
                      box.dispatchEvent(new Event('input'));
                      return document.querySelectorAll('#browser-list li').length;
                    })()""").asInt();
            assertTrue(filtered >= 1 && filtered < listed, filtered + " records match the filter");
            browser.evaluate("""
                    (function () {
                      var box = document.getElementById('browser-filter');
                      box.value = '';
                      box.dispatchEvent(new Event('input'));
                      var first = document.querySelector('#browser-list li .ty.sequence');
                      if (first) { first.parentNode.click(); }
                      return true;
                    })()""");
            byte[] png = browser.screenshot(WIDTH, 12_000);
            Files.write(out.resolve("report.png"), png);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
            assertTrue(png.length > 50_000, "a full page, not a blank one: " + png.length + " bytes");
            assertEquals(List.of(), browser.errors(), "console errors while using the sample browser");
        }
    }

    @Test
    void clickingARealSynthesizedSampleWalksToItsSeedDocumentAndSourceFileAndShowsItsRevisions() throws Exception {
        var chromium = HeadlessChromium.executable();
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run "
                + "does this): the report's browser check is skipped");
        java.nio.file.Path run = ReportFixtures.synthRun(TestSpark.session());
        java.nio.file.Path out = java.nio.file.Path.of("target", "report-browser-synth").toAbsolutePath();
        Files.createDirectories(out);
        java.nio.file.Path html = out.resolve("report.html");
        InspectionReport.write(new Path(run.toString()), List.of(), new Path(html.toString()),
                new Path(out.resolve("report.json").toString()), new Configuration());
        SyntheticSample sample = SparkRecords.read(TestSpark.session(), run.resolve("02-textbook/data").toString(),
                SyntheticSample.class).orderBy("id").collectAsList().stream()
                .map(row -> SparkRecords.fromRow(row, SyntheticSample.class)).findFirst().orElseThrow();

        try (HeadlessChromium browser = new HeadlessChromium(chromium.get())) {
            browser.open(html.toUri().toString(), WIDTH, 900);
            String text = browser.evaluate("""
                    (function () {
                      var items = document.querySelectorAll('#browser-list li');
                      for (var i = 0; i < items.length; i++) {
                        if (items[i].getAttribute('data-id') === '%s') { items[i].click(); }
                      }
                      return document.getElementById('browser-detail').textContent;
                    })()""".formatted(sample.id())).asText();
            assertTrue(text.contains("synthetic_sample · " + sample.id()), text);
            assertTrue(text.contains("seed: passage seed from "), "the sample's seed: " + text);
            assertTrue(text.contains("document: web · web") || text.contains("document: shakespeare · books"),
                    "the seed's document: " + text);
            assertTrue(text.contains("source file: page.html") || text.contains("source file: input.txt"), text);
            assertTrue(text.contains("teacher_call: scripted-teacher · revise-1"), text);
            assertTrue(text.contains("revision 1score 5.50\n\ncritique:\nreasoning: 5/10"), "the revision round: "
                    + text);
            String seedText = browser.evaluate("""
                    (function () {
                      var links = document.querySelectorAll('#browser-detail ul.lineage a');
                      for (var i = 0; i < links.length; i++) {
                        if (links[i].textContent.indexOf('seed: ') === 0) { links[i].click(); break; }
                      }
                      return document.getElementById('browser-detail').textContent;
                    })()""").asText();
            assertTrue(seedText.contains(sample.metadata().get("seed_text").substring(0, 40)), "clicking the seed "
                    + "shows its text: " + seedText);
            assertTrue(seedText.contains("educational value"), seedText);
            Files.write(out.resolve("report.png"), browser.screenshot(WIDTH, 6_000));
            assertEquals(List.of(), browser.errors(), "console errors while walking a synthetic sample's lineage");
        }
    }
}
