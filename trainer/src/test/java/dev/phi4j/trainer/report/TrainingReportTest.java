package dev.phi4j.trainer.report;

import dev.phi4j.core.report.Html;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run report of {@link RunChainFixture}'s three phases: what each section shows, and what is not available. */
class TrainingReportTest {

    private static final Pattern CELL = Pattern.compile("<td[^>]*>(.*?)</td>");

    @Test
    void oneRunIsFollowedBackAlongInitFromAndEachPhaseIsSummarisedFromItsMetrics(@TempDir Path root)
            throws IOException {
        Path runs = RunChainFixture.write(root);
        TrainingReport.Written written = TrainingReport.write(List.of(runs.resolve("dpo")), Optional.empty());

        assertEquals(List.of("pre", "mid", "dpo"), written.phases());
        assertEquals(runs.resolve("dpo").resolve(TrainingReport.FILE), written.html());
        String html = Files.readString(written.html());
        assertTrue(html.contains("<b>pre</b> <span class=\"sub\">pretrain</span> → <b>mid</b> <span class=\"sub\">"
                + "midtrain</span> → <b>dpo</b> <span class=\"sub\">dpo</span>"), "the chain, with each phase's kind");

        assertEquals(List.of("runs/pre", "runs/mid/checkpoints/step-00000012"),
                row(html, "started from").subList(1, 3).stream().map(TrainingReportTest::text).toList());
        assertEquals(List.of("128", "512", "512"), row(html, "context length"));
        assertEquals(List.of("10,000", "250,000", "250,000"), row(html, "RoPE θ"));
        assertEquals(List.of("20 / 20", "12 / 12", "6 / 6"), row(html, "steps"));
        assertEquals(List.of("81,920", "24,576", "49,152"), row(html, "tokens"));
        assertEquals(List.of("10.0 s", "24.0 s", "6.0 s"), row(html, "wall time"));
        assertEquals(List.of("8,192", "1,024", "8,192"), row(html, "tokens/s (whole run)"));
        assertEquals(List.of(number(RunChainFixture.preLoss(20)), number(RunChainFixture.midLoss(12)),
                number(RunChainFixture.dpoLoss(6))), row(html, "train loss, last step"));
        assertEquals(List.of(meanOfLast10(RunChainFixture::preLoss, RunChainFixture.PRE_STEPS),
                        meanOfLast10(RunChainFixture::midLoss, RunChainFixture.MID_STEPS),
                        meanOfLast10(RunChainFixture::dpoLoss, RunChainFixture.DPO_STEPS)),
                row(html, "train loss, mean of last 10 steps"));
        assertEquals(List.of("5.200 (step 20)", "2.125 (step 12)", "0.660 (step 6)"),
                row(html, "validation loss, last evaluation").stream().map(TrainingReportTest::text).toList());
        assertEquals(List.of("–", "–", "0.625"), row(html, "validation reward accuracy (DPO)"));
        assertEquals(List.of("step-00000020", "step-00000012", "step-00000006"), row(html, "newest checkpoint"));

        assertEquals(3, count(html, "<figure class=\"curve\">"), "one loss chart per phase");
        int preChart = html.indexOf("pre — pretrain</text>");
        assertTrue(preChart > 0, "the pretraining chart is titled by phase and kind");
        assertTrue(html.substring(preChart).contains("validation</text>"), "with its validation points");
        assertTrue(html.contains("DPO loss −log σ(β·margin)"), "the DPO chart says what its loss is");
        assertTrue(html.contains("<div class=\"t\"><b>38</b><span>optimizer steps</span></div>"), "20 + 12 + 6");
    }

    @Test
    void eachPhaseShowsTheMixtureItTrainedOnAndTheDatasetReportIsLinkedRelatively(@TempDir Path root)
            throws IOException {
        Path runs = RunChainFixture.write(root);
        TrainingReport.Written written = TrainingReport.write(List.of(runs.resolve("dpo")), Optional.empty());
        String html = Files.readString(written.html());

        assertTrue(html.contains(Html.escape("linked by the data fingerprint sha256:5f1c0a7e0000… of the run's "
                + "checkpoint is this set's shard manifest")), "pre was given its shards on the command line: found "
                + "by its fingerprint");
        assertTrue(html.contains("linked by trainer.data.shards: runs/pipe/mixtures/midtrain/shards"));
        assertEquals(2, count(html, "<td>web</td><td class=\"num\">15.00%</td><td class=\"num\">40.00%</td>"
                + "<td class=\"num\">41.25%</td>"), "the web bucket of both mixture tables: configured, target, "
                + "realized");
        assertTrue(html.contains("16.0 <b class=\"bad\">capped</b>"), "a capped bucket is marked");
        assertTrue(html.contains("dpo mixture: not available (trained on the shards "
                + runs.resolve("elsewhere/shards") + ", and no mixture build wrote them"), html);
        assertTrue(html.contains("<a href=\"../pipe/report.html\">dataset inspection report of runs/pipe</a>"),
                "relative to runs/dpo/run-report.html");
    }

    @Test
    void longContextAndEvaluationTablesHaveAColumnPerPhaseAndCleanRows(@TempDir Path root) throws IOException {
        Path runs = RunChainFixture.write(root);
        TrainingReport.Written written = TrainingReport.write(List.of(runs.resolve("dpo")), Optional.empty());
        String html = Files.readString(written.html());
        String longContext = html.substring(html.indexOf("id=\"long-context\""), html.indexOf("id=\"evaluation\""));
        String evaluation = html.substring(html.indexOf("id=\"evaluation\""));

        assertEquals(List.of("0.000", "0.500", "–"), row(longContext, "passkey accuracy @ 512"));
        assertEquals(List.of("–", "0.250", "–"), row(longContext, "passkey accuracy @ 1,024"));
        assertEquals(List.of("13.250", "–", "–"), row(longContext, "perplexity, last position bucket @ 256"));
        assertEquals(List.of("12.000", "8.000", "–"), row(longContext, "perplexity, all positions @ 512"));
        assertTrue(longContext.indexOf("@ 256") < longContext.indexOf("@ 512")
                && longContext.indexOf("@ 512") < longContext.indexOf("@ 1,024"), "lengths in order");

        assertEquals(List.of("step-00000020", "step-00000012", "–"), row(evaluation, "checkpoint evaluated"));
        assertEquals(List.of("0.250", "0.500", "–"), row(evaluation, "mc · acc"));
        assertEquals(List.of("0.500", "–", "–"), row(evaluation, "mc · acc (clean items)"));
        assertEquals(List.of("8 (6 clean)", "8", "–"), row(evaluation, "mc · items"));
        assertFalse(evaluation.contains("<td>passkey"), "long-context tasks have their own table");

        assertTrue(written.notAvailable().contains("dpo task evaluation: no eval/ folder; phi4j eval --checkpoint on "
                + "this run writes it"), written.notAvailable().toString());
        assertTrue(written.notAvailable().contains("dpo long-context evaluation: no eval/ folder; phi4j eval "
                + "--checkpoint on this run writes it"), written.notAvailable().toString());
        assertTrue(html.contains("mid — Long-context evaluation (books)</summary><pre>| length | passkey before"),
                "report.md sections are shown as written");
    }

    @Test
    void severalRunsAreShownAsGivenWithoutFollowingInitFrom(@TempDir Path root) throws IOException {
        Path runs = RunChainFixture.write(root);
        Path output = root.resolve("reports/chain.html");      // reports/ does not exist yet
        TrainingReport.Written written = TrainingReport.write(List.of(runs.resolve("pre"), runs.resolve("dpo")),
                Optional.of(output));

        assertEquals(List.of("pre", "dpo"), written.phases());
        assertEquals(output, written.html());
        String html = Files.readString(output);
        assertEquals(List.of("20 / 20", "6 / 6"), row(html, "steps"));
        assertTrue(html.contains("<a href=\"../runs/pipe/report.html\">"), "the link is relative to the output");
    }

    @Test
    void aMissingEarlierRunOrAMissingMetricsFileIsNotAvailableRatherThanAFailure(@TempDir Path root)
            throws IOException {
        Path runs = RunChainFixture.write(root);
        delete(runs.resolve("pre"));
        Files.delete(runs.resolve("dpo/metrics.jsonl"));
        delete(runs.resolve("dpo/checkpoints"));

        TrainingReport.Written written = TrainingReport.write(List.of(runs.resolve("dpo")), Optional.empty());

        assertEquals(List.of("mid", "dpo"), written.phases());
        String html = Files.readString(written.html());
        assertTrue(html.contains("earlier phase: not available (the run mid started from (trainer.init_from: "
                + "runs/pre) is not available (" + runs.resolve("pre") + ": no such run directory))"), html);
        assertTrue(html.contains("dpo metrics: not available (no metrics.jsonl in " + runs.resolve("dpo") + ")"));
        assertTrue(html.contains("dpo loss curve: not available (no metrics.jsonl in "));
        assertEquals(List.of("12 / 12", "– / 6"), row(html, "steps"), "a run that has not logged a step yet");
        assertEquals(1, count(html, "<figure class=\"curve\">"));
    }

    @Test
    void aFolderThatIsNoTrainingRunIsRefusedNamingIt(@TempDir Path root) throws IOException {
        Path runs = RunChainFixture.write(root);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TrainingReport.write(List.of(runs.resolve("pipe")), Optional.empty()));
        assertEquals(runs.resolve("pipe") + ": not a training run (no config.yaml and no metrics.jsonl; phi4j train "
                + "writes both when it starts)", refused.getMessage());
    }

    @Test
    void thePageNeedsNothingOutsideItself(@TempDir Path root) throws IOException {
        Path runs = RunChainFixture.write(root);
        String html = Files.readString(TrainingReport.write(List.of(runs.resolve("dpo")), Optional.empty()).html());
        assertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""));
        assertFalse(html.contains("<script"), "no script: the page reads without JavaScript");
        assertFalse(html.contains(" src="), "no external images or scripts");
        assertFalse(html.contains("<link"), "no external stylesheet");
        assertFalse(Pattern.compile("href=\"[a-z]+:").matcher(html).find(), "links are relative");
    }

    /** The cells after the label of the table row labelled {@code label}, as HTML. */
    private static List<String> row(String html, String label) {
        Matcher row = Pattern.compile("<tr><td>" + Pattern.quote(Html.escape(label)) + "</td>(.*?)</tr>")
                .matcher(html);
        assertTrue(row.find(), "a row labelled " + label);
        List<String> cells = new ArrayList<>();
        Matcher cell = CELL.matcher(row.group(1));
        while (cell.find()) {
            cells.add(cell.group(1));
        }
        return cells;
    }

    private static String text(String html) {
        return html.replaceAll("<[^>]+>", "");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String meanOfLast10(java.util.function.IntToDoubleFunction loss, int steps) {
        return number(IntStream.rangeClosed(Math.max(1, steps - 9), steps).mapToDouble(loss).average().orElseThrow());
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
