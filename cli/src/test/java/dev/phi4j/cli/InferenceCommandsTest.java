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
        Path json = run.resolve("eval.json");
        Result result = phi4j("eval", "--checkpoint", run.toString(), "--lengths", "64,128,256", "--trials", "2",
                "--windows", "2", "--text", TinyCheckpoint.ROOT.resolve("datasets/sample/books").toString(), "--output",
                json.toString());

        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("passkey retrieval") && result.out().contains("perplexity by position"),
                result.out());
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        assertEquals(128, results.path("context_length").asInt());
        assertTrue(result.err().contains("passkey: lengths below"), "64 tokens cannot hold a passkey prompt: "
                + result.err());
        List<Integer> passkeyLengths = new java.util.ArrayList<>();
        results.path("passkey").forEach(cell -> passkeyLengths.add(cell.path("length").asInt()));
        assertFalse(passkeyLengths.contains(64), passkeyLengths.toString());
        assertTrue(passkeyLengths.contains(256) && passkeyLengths.size() % 3 == 0, "3 depths a length: " + passkeyLengths);
        assertEquals(3 * 4, results.path("position_ppl").size(), "3 lengths × 4 buckets");
        for (JsonNode bucket : results.path("position_ppl")) {
            double perplexity = bucket.path("perplexity").asDouble();
            assertTrue(perplexity > 1 && perplexity < 10 * 1024, "an untrained model is near uniform: " + perplexity);
        }
        assertEquals(256, results.path("position_ppl").get(11).path("to").asInt(), "evaluated at 2× the context");

        Result compared = phi4j("eval", "--checkpoint", run.toString(), "--baseline", run.toString(), "--trials", "1",
                "--windows", "1", "--text", TinyCheckpoint.ROOT.resolve("datasets/sample/books").toString());
        assertEquals(0, compared.exitCode(), compared.err());
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("## Long-context evaluation (books)"), report);
        for (int length : new int[] {128, 256, 512}) {                  // 1×, 2×, 4× the baseline's context
            assertTrue(report.lines().anyMatch(row -> row.startsWith("| " + length + " |") && row.endsWith("| 1.00× |")),
                    "the same model before and after: " + report);
        }

        Result unknown = phi4j("eval", "--checkpoint", run.toString(), "--tasks", "mmlu");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown task 'mmlu'"), unknown.err());
    }

    @Test
    void evalMathSamplesACheckpointAndTheSameModelServedOverHttp() throws IOException {
        Path local = run.resolve("math.json");
        Path remote = run.resolve("math-endpoint.json");
        Path problems = TinyCheckpoint.ROOT.resolve("datasets/arith/test.jsonl");
        Path wide = run.resolve("wide");                          // HumanEval prompts need more than 128 tokens
        TinyCheckpoint.write(wide, ModelPresets.TINY.withContext(512, 10_000));
        String[] task = {"--tasks", "math,humaneval", "--math-file", problems.toString(), "--limit", "4",
                "--max-new-tokens", "8", "--samples", "2", "--temperature", "0.5", "--humaneval-file",
                TinyCheckpoint.ROOT.resolve("datasets/sample/benchmarks/pyfunc-test.jsonl.gz").toString()};
        Result result = phi4j(concat(new String[] {"eval", "--checkpoint", wide.toString(), "--baseline",
                wide.toString(), "--output", local.toString()}, task));
        assertEquals(0, result.exitCode(), result.err());

        InferenceModel loaded = InferenceModel.load(wide, true);
        ServeConfig defaults = ServeConfig.defaults("phi4j-tiny");
        try (OpenAiServer server = OpenAiServer.start(loaded.model(), loaded.tokenizer(), new ServeConfig("127.0.0.1",
                0, "phi4j-tiny", defaults.maxBatchRows(), defaults.maxTokensPerStep(), defaults.maxTokens(),
                defaults.maxN(), defaults.maxChoices(), defaults.maxBodyBytes(), defaults.maxQueued(),
                defaults.httpThreads(), defaults.requestTimeoutSeconds(), defaults.shutdownGraceSeconds()))) {
            String url = server.baseUri().toString().replaceAll("/$", "") + "/v1";
            Result served = phi4j(concat(new String[] {"eval", "--endpoint", url, "--model", "phi4j-tiny", "--output",
                    remote.toString()}, task));
            assertEquals(0, served.exitCode(), served.err());

            String[] greedy = {"--tasks", "math", "--math-file", problems.toString(), "--limit", "3",
                    "--max-new-tokens", "8", "--output"};
            assertEquals(0, phi4j(concat(new String[] {"eval", "--checkpoint", wide.toString()},
                    concat(greedy, new String[] {run.resolve("greedy.json").toString()}))).exitCode());
            assertEquals(0, phi4j(concat(new String[] {"eval", "--endpoint", url, "--model", "phi4j-tiny"},
                    concat(greedy, new String[] {run.resolve("greedy-endpoint.json").toString()}))).exitCode());
            JsonNode engine = new ObjectMapper().readTree(run.resolve("greedy.json").toFile()).path("math");
            JsonNode http = new ObjectMapper().readTree(run.resolve("greedy-endpoint.json").toFile()).path("math");
            for (int i = 0; i < 3; i++) {
                assertEquals(engine.path("records").get(i).path("outputs"), http.path("records").get(i).path("outputs"),
                        "greedy through the server is greedy through the engine");
            }
        }

        JsonNode math = new ObjectMapper().readTree(local.toFile()).path("math");
        JsonNode viaHttp = new ObjectMapper().readTree(remote.toFile()).path("math");
        assertEquals(4, math.path("items").asInt());
        long correct = 0;
        for (int i = 0; i < 4; i++) {
            JsonNode record = math.path("records").get(i);
            assertTrue(record.path("problem").asText().startsWith(problems + ":"), record.toString());
            assertFalse(record.path("reference").asText().isEmpty(), "the #### answer of the problem's solution");
            assertEquals(2, record.path("outputs").size());
            assertEquals(2, viaHttp.path("records").get(i).path("outputs").size());
            for (JsonNode right : record.path("extracted").path("strict").path("correct")) {
                correct += right.asBoolean() ? 1 : 0;
            }
        }
        assertEquals(correct / 4.0 / 2, math.path("extractions").path("strict").path("mean").asDouble(), 1e-12);
        assertEquals(4, viaHttp.path("items").asInt());
        for (String file : List.of(local.toString(), remote.toString())) {
            JsonNode code = new ObjectMapper().readTree(Path.of(file).toFile()).path("humaneval");
            assertEquals(3, code.path("records").size(), "the bundled file's 3 problems (--limit 4): " + file);
            double passAt1 = 0;
            for (JsonNode record : code.path("records")) {
                assertEquals(2, record.path("n").asInt());
                assertEquals(2, record.path("verdicts").size(), "every sample ran in the sandbox: " + record);
                passAt1 += record.path("c").asDouble() / 2 / 3;
            }
            assertEquals(passAt1, code.path("pass_at_k").path("pass@1").asDouble(), 1e-12);
        }
        String report = Files.readString(wide.resolve("report.md"));
        assertTrue(report.contains("## Math exact match (test.jsonl)") && report.contains("2 sample(s) each")
                && report.contains("strict majority"), report);

        Result both = phi4j("eval", "--checkpoint", run.toString(), "--endpoint", "http://127.0.0.1:9/v1");
        assertEquals(ExitCodes.USAGE, both.exitCode());
        assertTrue(both.err().contains("give --checkpoint DIR or --endpoint URL (one of them)"), both.err());
    }

    @Test
    void evalScoresPerplexityAndMultipleChoiceByLogLikelihood() throws IOException {
        Path json = run.resolve("likelihood.json");
        Result result = phi4j("eval", "--checkpoint", run.toString(), "--tasks", "ppl,mc", "--ppl-text",
                TinyCheckpoint.ROOT.resolve("datasets/sample/books").toString(), "--mc-file",
                TinyCheckpoint.ROOT.resolve("datasets/eval/mc-sample.jsonl").toString(), "--output", json.toString());

        assertEquals(0, result.exitCode(), result.err());
        JsonNode results = new ObjectMapper().readTree(json.toFile());
        JsonNode ppl = results.path("ppl");
        double bitsPerByte = ppl.path("bits_per_byte").asDouble();
        assertEquals(Math.log(ppl.path("perplexity").asDouble()) / Math.log(2) * ppl.path("tokens").asDouble()
                / ppl.path("bytes").asDouble(), bitsPerByte, 1e-9, "bits per byte restate the perplexity per byte");
        assertTrue(bitsPerByte > 1 && bitsPerByte < 10, "an untrained model is near uniform: " + bitsPerByte);
        JsonNode mc = results.path("mc");
        assertEquals(8, mc.path("items").asInt());
        long right = 0;
        for (JsonNode record : mc.path("records")) {
            assertEquals(4, record.path("log_likelihoods").size(), record.toString());
            right += record.path("predicted").asInt() == record.path("gold").asInt() ? 1 : 0;
        }
        assertEquals(right / 8.0, mc.path("acc").asDouble(), 1e-12);

        Result remote = phi4j("eval", "--endpoint", "http://127.0.0.1:9/v1", "--tasks", "mc");
        assertEquals(ExitCodes.USAGE, remote.exitCode());
        assertTrue(remote.err().contains("tasks [mc] read the model's logits"), remote.err());
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
