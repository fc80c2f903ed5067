package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.serve.OpenAiServer;
import dev.phi4j.trainer.serve.ServeConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code phi4j generate} and the inference benchmarks, on a tiny model checkpoint (no training state) written by {@link ModelCheckpoint#write}. */
class InferenceCommandsTest {


    @TempDir
    static Path run;

    private record Result(int exitCode, String out, String err) {}

    @BeforeAll
    static void writeTinyCheckpoint() throws IOException {
        TinyCheckpoint.write(run, ModelPresets.TINY);
    }

    @Test
    void generateSamplesReproduciblyFromACheckpoint() {
        String[] args = {"generate", "--checkpoint", run.toString(), "--prompt", "The lighthouse keeper",
                "--prompt", "one, two", "--n", "2", "--max-tokens", "6", "--temperature", "0.9", "--seed", "11"};
        Result first = phi4j(args);
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        for (String header : List.of("--- prompt 1/2, sample 1/2: ", "--- prompt 1/2, sample 2/2: ",
                "--- prompt 2/2, sample 1/2: ", "--- prompt 2/2, sample 2/2: ")) {
            assertTrue(first.out().contains(header), header + " missing from\n" + first.out());
        }
        assertTrue(first.out().contains("\nThe lighthouse keeper"), "the text continues the prompt");
        assertTrue(first.err().contains("KV cache, seed 11"), first.err());
        assertEquals(first.out(), phi4j(args).out(), "a seed makes the samples reproducible");
    }

    @Test
    void generateInChatFormatPrintsLogprobs() {
        Result chat = phi4j("generate", "--checkpoint", run.toString(), "--chat", "--system", "Be brief.",
                "--prompt", "Count the ships", "--max-tokens", "4", "--temperature", "0", "--logprobs", "2",
                "--no-cache");
        assertEquals(ExitCodes.OK, chat.exitCode(), chat.err());
        long logprobLines = chat.out().lines().filter(line -> line.matches("  '.*' +-\\d+\\.\\d{3} .*")).count();
        assertTrue(logprobLines >= 1 && logprobLines <= 4, chat.out());
        assertTrue(chat.err().contains("no cache"), chat.err());
    }

    @Test
    void aMissingCheckpointIsAUsageErrorNamingThePath() {
        Result missing = phi4j("generate", "--checkpoint", run.resolve("nope").toString(), "--prompt", "x");
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertTrue(missing.err().contains(run.resolve("nope") + ": no such checkpoint"), missing.err());
    }

    @Test
    void benchGenerateComparesTheCacheWithTheBaseline() {
        Result bench = phi4j("bench", "generate", "--preset", "tiny", "--contexts", "24", "--new-tokens", "5",
                "--no-cache-tokens", "2");
        assertEquals(ExitCodes.OK, bench.exitCode(), bench.err());
        List<String> rows = bench.out().lines().filter(line -> line.matches("\\s+24\\s.*")).toList();
        assertEquals(1, rows.size(), bench.out());
        for (String row : rows) {
            assertTrue(row.trim().endsWith("yes"), "the cache and the baseline generate the same tokens: " + row);
        }
    }

    @Test
    void benchServeMeasuresBatchedAndUnbatchedServers() {
        Result bench = phi4j("bench", "serve", "--checkpoint", run.toString(), "--requests", "6", "--concurrency",
                "3", "--max-tokens", "3", "--batch", "1,4");
        assertEquals(ExitCodes.OK, bench.exitCode(), bench.err());
        List<String> rows = bench.out().lines().filter(line -> line.matches("\\s+[14]\\s+\\d.*")).toList();
        assertEquals(2, rows.size(), bench.out());
        assertTrue(rows.get(0).contains("1.00x"), rows.get(0));
    }

    /** Runs the command with System.out and System.err captured (replaced before picocli sets up its writers). */
    @Test
    void evalMeasuresPasskeyAndPositionPerplexityAlsoBeyondTheTrainedContext() throws IOException {
        Path out = run.resolve("eval-long");
        Result result = phi4j("eval", "--checkpoint", run.toString(), "--lengths", "64,128,256", "--trials", "2",
                "--windows", "2", "--text", TinyCheckpoint.ROOT.resolve("datasets/sample/books").toString(), "--output",
                out.toString());

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("passkey retrieval") && result.out().contains("perplexity by position"),
                result.out());
        assertTrue(result.err().contains("passkey: lengths outside"), "64 tokens cannot hold a passkey prompt: "
                + result.err());
        JsonNode passkey = json(out.resolve("passkey.json"));
        List<Integer> passkeyLengths = new java.util.ArrayList<>();
        passkey.path("records").forEach(cell -> passkeyLengths.add(cell.path("length").asInt()));
        assertFalse(passkeyLengths.contains(64), passkeyLengths.toString());
        assertTrue(passkeyLengths.contains(256) && passkeyLengths.size() % 3 == 0, "3 depths a length: " + passkeyLengths);
        assertTrue(passkey.path("metrics").has("accuracy@256"), passkey.toString());
        JsonNode positions = json(out.resolve("position-ppl.json")).path("records");
        assertEquals(3 * 4, positions.size(), "3 lengths × 4 buckets");
        for (JsonNode bucket : positions) {
            double perplexity = bucket.path("perplexity").asDouble();
            assertTrue(perplexity > 1 && perplexity < 10 * 1024, "an untrained model is near uniform: " + perplexity);
        }
        assertEquals(256, positions.get(11).path("to").asInt(), "evaluated at 2× the context");
        assertTrue(json(out.resolve("summary.json")).path("position-ppl").path("metrics").has("ppl@256"));

        Result compared = phi4j("eval", "--checkpoint", run.toString(), "--baseline", run.toString(), "--trials", "1",
                "--windows", "1", "--text", TinyCheckpoint.ROOT.resolve("datasets/sample/books").toString(),
                "--output", run.resolve("eval-compared").toString());
        assertEquals(0, compared.exitCode(), compared.err());
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("## Long-context evaluation (books)"), report);
        for (int length : new int[] {128, 256, 512}) {                  // 1×, 2×, 4× the baseline's context
            assertTrue(report.lines().anyMatch(row -> row.startsWith("| " + length + " |") && row.endsWith("| 1.00× |")),
                    "the same model before and after: " + report);
        }
        assertTrue(report.contains("## Evaluation across checkpoints"), report);

        Result unknown = phi4j("eval", "--checkpoint", run.toString(), "--tasks", "mmlu");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown task 'mmlu'"), unknown.err());
    }

    /**
     * Every task on a checkpoint and on the same model behind phi4j serve: greedy answers, log-likelihoods and
     * passkey answers agree, and math and HumanEval samples are scored the same way.
     */
    @Test
    void evalRunsEveryTaskOnACheckpointAndOnTheSameModelServedOverHttp() throws IOException {
        Path local = run.resolve("eval-local");
        Path remote = run.resolve("eval-remote");
        Path problems = TinyCheckpoint.ROOT.resolve("datasets/arith/test.jsonl");
        Path wide = run.resolve("wide");                          // HumanEval prompts need more than 128 tokens
        TinyCheckpoint.write(wide, ModelPresets.TINY.withContext(512, 10_000));
        String[] tasks = {"--tasks", "ppl,mc,math,humaneval,passkey,position-ppl", "--math-file", problems.toString(),
                "--limit", "4", "--max-new-tokens", "8", "--samples", "2", "--temperature", "0.5", "--humaneval-file",
                TinyCheckpoint.ROOT.resolve("datasets/sample/benchmarks/pyfunc-test.jsonl.gz").toString(),
                "--ppl-text", TinyCheckpoint.ROOT.resolve("datasets/sample/books/notes-on-counting.txt").toString(),
                "--mc-file", TinyCheckpoint.ROOT.resolve("datasets/eval/mc-sample.jsonl").toString(),
                "--lengths", "256", "--trials", "2", "--windows", "2", "--text",
                TinyCheckpoint.ROOT.resolve("datasets/sample/books").toString()};
        Result result = phi4j(concat(new String[] {"eval", "--checkpoint", wide.toString(), "--output",
                local.toString()}, tasks));
        assertEquals(0, result.exitCode(), result.err());
        for (String line : List.of("ppl ", "mc ", "math ", "humaneval ", "passkey ", "position-ppl ")) {
            assertTrue(result.out().lines().anyMatch(l -> l.startsWith(line) && l.contains("items/s")),
                    line + "in " + result.out());
        }

        InferenceModel loaded = InferenceModel.load(wide, true);
        try (OpenAiServer server = OpenAiServer.start(loaded.model(), loaded.tokenizer(),
                ServeConfig.defaults("phi4j-tiny").withPort(0))) {
            String url = server.baseUri().toString().replaceAll("/$", "") + "/v1";
            Result served = phi4j(concat(new String[] {"eval", "--endpoint", url, "--model", "phi4j-tiny", "--output",
                    remote.toString()}, tasks));
            assertEquals(0, served.exitCode(), served.err());

            String[] greedy = {"--tasks", "math", "--math-file", problems.toString(), "--limit", "3",
                    "--max-new-tokens", "8", "--output"};
            assertEquals(0, phi4j(concat(new String[] {"eval", "--checkpoint", wide.toString()},
                    concat(greedy, new String[] {run.resolve("greedy").toString()}))).exitCode());
            assertEquals(0, phi4j(concat(new String[] {"eval", "--endpoint", url, "--model", "phi4j-tiny"},
                    concat(greedy, new String[] {run.resolve("greedy-endpoint").toString()}))).exitCode());
            JsonNode engine = json(run.resolve("greedy/math.json"));
            JsonNode http = json(run.resolve("greedy-endpoint/math.json"));
            for (int i = 0; i < 3; i++) {
                assertEquals(engine.path("records").get(i).path("outputs"), http.path("records").get(i).path("outputs"),
                        "greedy through the server is greedy through the engine");
            }
        }

        JsonNode math = json(local.resolve("math.json"));
        assertEquals(4, math.path("items").asInt());
        double strict = 0;
        for (int i = 0; i < 4; i++) {
            JsonNode record = math.path("records").get(i);
            assertTrue(record.path("location").asText().startsWith(problems + ":"), record.toString());
            assertFalse(record.path("prompt").asText().isEmpty() || record.path("reference").asText().isEmpty());
            assertEquals(2, record.path("outputs").size());
            assertEquals(2, record.path("extracted").path("strict").size());
            strict += record.path("scores").path("strict").asDouble();
        }
        assertEquals(strict / 4, math.path("metrics").path("strict").asDouble(), 1e-12);
        assertEquals(4, json(remote.resolve("math.json")).path("records").size());
        for (Path folder : List.of(local, remote)) {
            JsonNode code = json(folder.resolve("humaneval.json"));
            assertEquals(3, code.path("records").size(), "the bundled file's 3 problems (--limit 4): " + folder);
            double passAt1 = 0;
            for (JsonNode record : code.path("records")) {
                assertEquals(2, record.path("n").asInt());
                assertEquals(2, record.path("verdicts").size(), "every sample ran in the sandbox: " + record);
                passAt1 += record.path("c").asDouble() / 2 / 3;
            }
            assertEquals(passAt1, code.path("metrics").path("pass@1").asDouble(), 1e-12);
        }

        JsonNode mcLocal = json(local.resolve("mc.json")).path("records");
        JsonNode mcRemote = json(remote.resolve("mc.json")).path("records");
        assertEquals(4, mcLocal.size(), "--limit takes the first items of every task");
        for (int i = 0; i < mcLocal.size(); i++) {
            for (int c = 0; c < mcLocal.get(i).path("log_likelihoods").size(); c++) {
                double expected = mcLocal.get(i).path("log_likelihoods").get(c).asDouble();
                assertEquals(expected, mcRemote.get(i).path("log_likelihoods").get(c).asDouble(),
                        1e-4 * Math.abs(expected), "the same log-likelihood over HTTP");
            }
        }
        JsonNode ppl = json(local.resolve("ppl.json"));
        double bitsPerByte = ppl.path("metrics").path("bits_per_byte").asDouble();
        assertEquals(Math.log(ppl.path("metrics").path("perplexity").asDouble()) / Math.log(2)
                * ppl.path("settings").path("tokens").asDouble() / ppl.path("settings").path("bytes").asDouble(),
                bitsPerByte, 1e-9, "bits per byte restate the perplexity per byte");
        assertTrue(bitsPerByte > 1 && bitsPerByte < 10, "an untrained model is near uniform: " + bitsPerByte);
        JsonNode pplRemote = json(remote.resolve("ppl.json"));
        assertEquals(511, pplRemote.path("settings").path("window_tokens").asInt(), "the echoed token is the 512th");
        assertEquals(bitsPerByte, pplRemote.path("metrics").path("bits_per_byte").asDouble(), 0.05 * bitsPerByte);
        assertEquals(json(local.resolve("passkey.json")).path("records"),
                json(remote.resolve("passkey.json")).path("records"), "greedy passkey answers agree");
        JsonNode positions = json(local.resolve("position-ppl.json")).path("records");
        JsonNode positionsRemote = json(remote.resolve("position-ppl.json")).path("records");
        for (int b = 0; b < positions.size(); b++) {
            double expected = positions.get(b).path("mean_nll").asDouble();
            assertEquals(expected, positionsRemote.get(b).path("mean_nll").asDouble(), 1e-4 * expected);
        }

        Result both = phi4j("eval", "--checkpoint", run.toString(), "--endpoint", "http://127.0.0.1:9/v1");
        assertEquals(ExitCodes.USAGE, both.exitCode());
        assertTrue(both.err().contains("give --checkpoint DIR or --endpoint URL (one of them)"), both.err());
    }

    @Test
    void severalCheckpointsMakeAComparisonTableInTheLastRunsReport() throws IOException {
        Path first = run.resolve("phases/pretrain");
        Path second = run.resolve("phases/sft");
        TinyCheckpoint.write(first, ModelPresets.TINY);
        TinyCheckpoint.write(second, ModelPresets.TINY);
        Result result = phi4j("eval", "--checkpoint", first + "," + second, "--tasks", "mc,math", "--mc-file",
                TinyCheckpoint.ROOT.resolve("datasets/eval/mc-sample.jsonl").toString(), "--math-file",
                TinyCheckpoint.ROOT.resolve("datasets/arith/test.jsonl").toString(), "--limit", "2",
                "--max-new-tokens", "4", "--output", run.resolve("phases-eval").toString());

        assertEquals(0, result.exitCode(), result.err());
        String report = Files.readString(second.resolve("report.md"));
        assertTrue(report.contains("## Evaluation across checkpoints"), report);
        assertTrue(report.contains("| task | metric | pretrain | sft |"), report);
        assertTrue(report.contains("| mc | acc_norm |") && report.contains("| math | strict |"), report);
        for (String phase : List.of("pretrain", "sft")) {
            assertTrue(Files.isRegularFile(run.resolve("phases-eval").resolve(phase).resolve("mc.json")), phase);
        }
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void ptsRunsRolloutsThroughTheModelAccountsForEveryQuestionAndResumes() throws IOException {
        Path out = run.resolve("pts");
        Path config = run.resolve("pts.yaml");
        Files.writeString(config, "checkpoint: " + run + "\nquestions: "
                + TinyCheckpoint.ROOT.resolve("datasets/arith/train.jsonl") + "\nmax_questions: 3\nrollouts: 4\n"
                + "min_success: 0\nmax_success: 1\nmax_new_tokens: 12\noutput: " + out + "\n");
        Result result = phi4j("pts", config.toString());

        assertEquals(0, result.exitCode(), result.err());
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(3, summary.path("questions").asInt());
        int accounted = 0;
        for (JsonNode count : summary.path("by_status")) {
            accounted += count.asInt();
        }
        assertEquals(3, accounted, "every question searched or dropped with its status: " + summary);
        // An untrained model solves nothing: p is 0 before and after the solution, so only the 4 first rollouts run.
        assertEquals(0, summary.path("by_status").path("searched").asInt());
        assertEquals(3 * 4, summary.path("rollouts_this_session").path("rollouts").asInt());
        assertTrue(summary.path("rollouts_this_session").path("tokens_per_s").asDouble() > 0);
        assertEquals(3, Files.readAllLines(out.resolve("questions.jsonl")).size());
        assertTrue(Files.readString(out.resolve("report.html")).contains("Pivotal Token Search"));

        Result resumed = phi4j("pts", config.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("(3 done before)"), resumed.out());
        JsonNode again = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(0, again.path("rollouts_this_session").path("rollouts").asInt(), "nothing is sampled again");
    }

    private static Result phi4j(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream console = System.out;
        PrintStream consoleErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Phi4j.commandLine().execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(console);
            System.setErr(consoleErr);
        }
    }
}
