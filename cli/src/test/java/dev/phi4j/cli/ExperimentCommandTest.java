package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.phi4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code phi4j experiment} end to end on the bundled sample books (one book's paragraphs labelled web, the other's
 * synthetic): pipeline, one mixture build, 2 variants × 2 seeds of a 2-step tiny model, the table, plot and JSON; a
 * re-run reuses every run, and a trained run whose result was lost is scored from its checkpoint.
 */
class ExperimentCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    @Test
    void sweepWritesOneRowPerVariantAndResumes(@TempDir Path dir) throws IOException {
        Path books = ROOT.resolve("datasets/sample/books");
        Path pipeline = dir.resolve("pipeline.yaml");
        Files.writeString(pipeline, String.join("\n",
                "run: {name: books, output_dir: " + dir.resolve("runs") + "}",
                "spark: {master: \"local[2]\", shuffle_partitions: 2, output_partitions: 2}",
                "stages:",
                "  - stage: ingest",
                "    sources:",
                "      - {format: text, name: ledger, source_class: web, unit: paragraphs, paths: ["
                        + books.resolve("the-lighthouse-keepers-ledger.txt") + "]}",
                "      - {format: text, name: counting, source_class: synthetic, unit: paragraphs, paths: ["
                        + books.resolve("notes-on-counting.txt") + "]}",
                ""));
        Path base = dir.resolve("base.yaml");
        Files.writeString(base, String.join("\n",
                "extends: " + ROOT.resolve("configs/experiments/tiny-english.yaml"),
                "tokenizer: {path: " + dir.resolve("tokenizer.bpe") + ", vocab_size: 300, train_files: ["
                        + books.resolve("notes-on-counting.txt") + "]}",
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer: {max_steps: 2, micro_batch_size: 4, global_batch_tokens: 128, schedule: {warmup_steps: 1}}",
                ""));
        Path experiment = dir.resolve("experiment.yaml");
        Files.writeString(experiment, String.join("\n",
                "name: e2e",
                "output_dir: " + dir.resolve("experiments"),
                "base: " + base,
                "pipeline: " + pipeline,
                "data: " + dir.resolve("runs/books/ingest"),
                "spark: {master: \"local[2]\", shuffle_partitions: 2}",
                "validation_fraction: 0.4",
                "seeds: [1, 2]",
                "variants:",
                "  - {name: web-only, shares: {web: 1, web_rewrites: 0, synthetic: 0, code: 0, acquired: 0}}",
                "  - {name: synthetic-only, shares: {web: 0, web_rewrites: 0, synthetic: 1, code: 0, acquired: 0}}",
                "eval: {groups: [web, synthetic], batches: 2}",
                ""));

        CliRun.Result first = run("experiment", experiment.toString());
        assertEquals(ExitCodes.OK, first.exitCode(), first.out() + first.err());
        Path out = dir.resolve("experiments/e2e");
        String table = Files.readString(out.resolve("results.md"));
        assertEquals(1, count(table, "\n| web-only | 2 |"), table);
        assertEquals(1, count(table, "\n| synthetic-only | 2 |"), table);
        assertTrue(table.contains("| variant | seeds | loss/web | loss/synthetic | loss/mean |"), table);
        String svg = Files.readString(out.resolve("results.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("loss/synthetic"), svg);
        assertEquals(2 * 2 * 3, count(svg, "<circle"), "a dot per run and metric");
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(4, results.path("runs").size());
        for (JsonNode variant : results.path("variants")) {
            JsonNode web = variant.path("stats").path("loss/web");
            assertEquals(2, web.path("n").asInt());
            assertTrue(web.path("min").asDouble() <= web.path("mean").asDouble()
                    && web.path("mean").asDouble() <= web.path("max").asDouble(), web.toString());
        }
        JsonNode s1 = results.path("runs").get(0).path("metrics");
        JsonNode s2 = results.path("runs").get(1).path("metrics");
        assertTrue(s1.path("loss/web").asDouble() != s2.path("loss/web").asDouble(),
                "another seed is another initialisation and data order");
        assertTrue(first.out().contains("(2 of 4, ETA"), "a progress line per run with an ETA: " + first.out());

        Files.delete(out.resolve("runs/synthetic-only-s2/result.json"));
        CliRun.Result again = run("experiment", experiment.toString());
        assertEquals(ExitCodes.OK, again.exitCode(), again.out() + again.err());
        assertEquals(3, count(again.out(), ": reused "), again.out());
        assertTrue(again.out().contains("synthetic-only seed 2 (4 of 4): trained earlier, scoring"), again.out());
        assertFalse(again.out().contains(": training ->"), again.out());
        JsonNode rescored = new ObjectMapper().readTree(out.resolve("runs/synthetic-only-s2/result.json").toFile());
        assertEquals(results.path("runs").get(3).path("metrics").path("loss/mean").asDouble(),
                rescored.path("metrics").path("loss/mean").asDouble(), 1e-6, "the checkpoint scores as before");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
