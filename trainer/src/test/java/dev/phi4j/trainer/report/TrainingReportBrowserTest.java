package dev.phi4j.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.HeadlessChromium;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opens the run report of {@link RunChainFixture}'s chain in headless Chromium, with JavaScript used only by the test
 * to measure the page: no console error, uncaught exception or failed load, every loss curve and mixture chart laid
 * out with a non-zero size, the dataset report link resolving to the file. Saves
 * {@code trainer/target/run-report-browser/run-report.png}. Skipped, saying why, only where Chromium is not installed
 * ({@code .ci/run} installs Debian's {@code chromium}).
 */
class TrainingReportBrowserTest {

    private static final int WIDTH = 1280;

    @Test
    void runReportRendersInHeadlessChromiumWithoutErrorsAndEveryChartHasASize() throws Exception {
        Optional<Path> chromium = HeadlessChromium.executable();
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run "
                + "does this): the run report's browser check is skipped");
        Path out = Path.of("target", "run-report-browser").toAbsolutePath();
        if (Files.exists(out)) {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path runs = RunChainFixture.write(out);
        Path html = TrainingReport.write(List.of(runs.resolve("dpo")), Optional.empty()).html();

        try (HeadlessChromium browser = new HeadlessChromium(chromium.get())) {
            browser.open(html.toUri().toString(), WIDTH, 900);
            assertEquals(List.of(), browser.errors(), "console errors while loading the report");
            JsonNode curves = browser.evaluate("Array.from(document.querySelectorAll('figure.curve svg'))"
                    + ".map(function (s) { var r = s.getBoundingClientRect(); return [r.width, r.height]; })");
            assertEquals(3, curves.size(), "one loss chart per phase: " + curves);
            curves.forEach(size -> assertTrue(size.get(0).asDouble() > 300 && size.get(1).asDouble() > 150,
                    "a loss chart is laid out at a readable size: " + size));
            // the training curve of each chart spans an area (a validation line of one evaluation is a point)
            assertTrue(browser.evaluate("Array.from(document.querySelectorAll('figure.curve svg')).every(function (s) {"
                    + " return Array.from(s.querySelectorAll('polyline')).some(function (p) {"
                    + " var b = p.getBBox(); return b.width > 100 && b.height > 10; }); })").asBoolean(),
                    "every chart draws its training curve");
            JsonNode bars = browser.evaluate("Array.from(document.querySelectorAll('svg.chart'))"
                    + ".map(function (s) { var r = s.getBoundingClientRect(); return [r.width, r.height]; })");
            assertEquals(2, bars.size(), "the mixture charts of pre and mid: " + bars);
            bars.forEach(size -> assertTrue(size.get(0).asDouble() > 0 && size.get(1).asDouble() > 0,
                    "a mixture chart has a size: " + size));
            assertEquals(html.getParent().resolveSibling("pipe").resolve("report.html").toUri().toString(),
                    browser.evaluate("document.querySelector('ul.links a').href").asText(),
                    "the dataset report link resolves to the pipeline run's report.html");
            assertTrue(browser.evaluate("document.querySelectorAll('.missing').length").asInt() >= 3,
                    "what is not available says so");
            assertTrue(browser.evaluate("document.querySelector('#phases table').getBoundingClientRect().height")
                    .asDouble() > 300, "the phase summary is laid out");

            byte[] png = browser.screenshot(WIDTH, 12_000);
            Files.write(out.resolve("run-report.png"), png);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
            assertTrue(png.length > 50_000, "a full page, not a blank one: " + png.length + " bytes");
            assertEquals(List.of(), browser.errors(), "console errors after layout");
        }
    }
}
