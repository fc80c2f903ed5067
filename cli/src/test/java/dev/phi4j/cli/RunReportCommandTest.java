package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static dev.phi4j.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code phi4j report run} on two phases the real trainer wrote: pretraining at context 32, then a phase started from
 * it ({@code trainer.init_from}) at context 64 with θ 250,000; and the usage errors of {@code phi4j report}.
 */
class RunReportCommandTest {

    private static final Path ROOT = Path.of(System.getProperty("phi4j.root", "..")).toAbsolutePath().normalize();

    @Test
    void reportRunFollowsTheSecondPhaseBackToTheFirstAndShowsWhatTheTrainerLogged(@TempDir Path dir)
            throws IOException {
        Path books = ROOT.resolve("datasets/sample/books");
        Path pretrain = dir.resolve("pre.yaml");
        Files.writeString(pretrain, String.join("\n",
                "extends: " + ROOT.resolve("configs/tiny-pretrain.yaml"),
                "run: {name: pre, output_dir: " + dir + "}",
                "tokenizer:",
                "  path: " + dir.resolve("tokenizer.bpe"),
                "  vocab_size: 300",
                "  train_files: [" + books.resolve("notes-on-counting.txt") + "]",
                "model: {preset: tiny, vocab_size: 300, context_length: 32}",
                "trainer:",
                "  max_steps: 2",
                "  micro_batch_size: 4",
                "  global_batch_tokens: 128",
                "  schedule: {warmup_steps: 1}",
                "  data: {text_files: [" + books.resolve("notes-on-counting.txt") + "]}",
                "  eval: {interval: 2, batches: 1}",
                ""));
        Path midtrain = dir.resolve("mid.yaml");
        Files.writeString(midtrain, String.join("\n",
                "extends: " + pretrain,
                "run: {name: mid}",
                "model: {preset: tiny, vocab_size: 300, context_length: 64, rope_theta: 250000}",
                "trainer: {init_from: " + dir.resolve("pre") + ", global_batch_tokens: 256}",
                ""));
        for (Path config : List.of(pretrain, midtrain)) {
            CliRun.Result trained = run("train", config.toString());
            assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());
        }

        CliRun.Result reported = run("report", "run", dir.resolve("mid").toString());

        assertEquals(ExitCodes.OK, reported.exitCode(), reported.err());
        assertTrue(reported.out().contains("phi4j report run: 2 phase(s): pre → mid"), reported.out());
        Path html = dir.resolve("mid/run-report.html");
        assertTrue(reported.out().contains("html  " + html), reported.out());
        assertTrue(reported.out().contains("not available: pre mixture: trained on text packed on the fly: "
                + books.resolve("notes-on-counting.txt")), reported.out());
        String page = Files.readString(html);
        assertTrue(page.contains("<tr><td>context length</td><td class=\"num\">32</td><td class=\"num\">64</td>"),
                "context from each phase's config");
        assertTrue(page.contains("<tr><td>RoPE θ</td><td class=\"num\">10,000</td><td class=\"num\">250,000</td>"));
        assertTrue(page.contains("<tr><td>steps</td><td class=\"num\">2 / 2</td><td class=\"num\">2 / 2</td>"));
        assertTrue(page.contains("<tr><td>train loss, last step</td><td class=\"num\">" + lastLoss(dir.resolve("pre"))
                + "</td><td class=\"num\">" + lastLoss(dir.resolve("mid")) + "</td>"), "the trainer's own numbers");
        assertEquals(2, page.split("<figure class=\"curve\">", -1).length - 1, "a loss chart per phase");
    }

    @Test
    void reportCommandsExplainTheirUsage(@TempDir Path dir) {
        CliRun.Result help = run("report", "run", "--help");
        assertEquals(ExitCodes.OK, help.exitCode());
        assertTrue(help.out().contains("Example: phi4j report run runs/tiny-arith-dpo"), help.out());

        CliRun.Result bare = run("report");
        assertEquals(ExitCodes.USAGE, bare.exitCode());
        assertTrue(bare.err().contains("Missing required parameter: 'RUN_DIR'"), bare.err());
        assertTrue(bare.err().contains("phi4j report run RUN"), "points at the run report: " + bare.err());

        CliRun.Result notARun = run("report", "run", dir.toString());
        assertEquals(ExitCodes.USAGE, notARun.exitCode());
        assertTrue(notARun.err().startsWith("phi4j report run: " + dir + ": not a training run (no config.yaml and "
                + "no metrics.jsonl"), "the error names the command and the folder: " + notARun.err());
    }

    private static String lastLoss(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        ObjectMapper json = new ObjectMapper();
        JsonNode last = null;
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            if (event.path("event").asText().equals("step")) {
                last = event;
            }
        }
        return String.format(Locale.ROOT, "%.3f", last.path("loss").asDouble());
    }
}
