package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.serve.OpenAiServer;
import dev.phi4j.trainer.serve.ServeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code phi4j judge-pairs CONFIG} end to end: the panel is two real {@code phi4j serve} servers (an untrained tiny
 * model, so the answers are noise, but real ones), the judge a scripted endpoint whose verdict on a response is a
 * function of the response's text alone ({@link Verdict#of}). The test recomputes every score from the texts the
 * command wrote and checks, from outside, which response was chosen, which rejected and why a prompt was dropped.
 * <p>
 * judge-pairs sends no stop sequences, and an untrained model all but never samples {@code <|im_end|>}: every answer
 * would run to max_tokens and be dropped as {@code response_truncated}. So alpha and beta reach their servers through
 * a shim that adds {@code "stop": [...]} to the request: the server itself then ends the answer at that text with
 * {@code finish_reason: stop}. Gamma's shim adds nothing, so gamma's answers run to max_tokens, as any member's would.
 * Every shim counts the requests it forwards and remembers each answer's finish reason.
 */
class JudgePairsCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final double MARGIN = 2;
    /** The valid prompts: the bundled sample's; one malformed line is appended. */
    private static final int VALID_PROMPTS = 8;
    private static final List<String> MEMBERS = List.of("alpha", "beta", "gamma");
    private static final Set<String> PROMPT_DROPS = Set.of("invalid_prompt", "too_few_scored",
            "identical_responses", "below_margin");

    @TempDir
    static Path dir;

    private static final List<OpenAiServer> servers = new ArrayList<>();
    private static final List<HttpServer> endpoints = new ArrayList<>();
    private static final ExecutorService handlers = Executors.newCachedThreadPool();
    private static final Map<String, Shim> shims = new ConcurrentHashMap<>();
    private static final AtomicInteger judgeRequests = new AtomicInteger();
    /** Judge prompts the script could not read a response from: must stay empty. */
    private static final List<String> unreadableJudgePrompts = new CopyOnWriteArrayList<>();

    private static Path config;
    private static CliRun.Result first;
    private static Map<String, Integer> firstRunRequests;
    private static JsonNode summary;
    private static List<JsonNode> pairs;
    private static List<JsonNode> judgements;

    /**
     * The scripted judge's verdict on {@code text}: accuracy from the number of characters, style from the number of
     * spaces, detail from the number of distinct characters, each 1 + (count mod 5); faults from what the text holds.
     */
    record Verdict(List<String> faults, int accuracy, int style, int detail) {

        static Verdict of(String text) {
            int characters = text.codePointCount(0, text.length());
            List<String> faults = new ArrayList<>();
            if (text.contains("<|")) {
                faults.add("leaks a special token");
            }
            if (text.codePoints().noneMatch(Character::isDigit)) {
                faults.add("no number in it");
            }
            return new Verdict(faults, 1 + characters % 5, 1 + (int) text.chars().filter(c -> c == ' ').count() % 5,
                    1 + (int) text.codePoints().distinct().count() % 5);
        }

        double mean() {
            return (accuracy + style + detail) / 3.0;
        }

        /** Better first, as the judge-pairs report describes it: accuracy, then the mean. */
        static final Comparator<Verdict> BETTER_FIRST = Comparator.comparingDouble(Verdict::accuracy)
                .thenComparingDouble(Verdict::mean).reversed();

        /** The reply: fenced in ```json for an even number of characters, else in prose. */
        String reply(String text) {
            ObjectNode verdict = JSON.createObjectNode();
            faults.forEach(verdict.putArray("faults")::add);
            verdict.put("accuracy", accuracy).put("style", style).put("detail", detail);
            return text.codePointCount(0, text.length()) % 2 == 0 ? "```json\n" + verdict + "\n```"
                    : "Having read it twice, my verdict is " + verdict + " and I stand by it.";
        }
    }

    /** A pass-through to a phi4j server that adds {@code stop} (when given) to every chat request. */
    private static final class Shim {
        final URI target;
        final Optional<String> stop;
        final AtomicInteger requests = new AtomicInteger();
        /** Answer text → finish_reason, as the server gave it. */
        final Map<String, String> finishReasons = new ConcurrentHashMap<>();
        String baseUrl;

        Shim(URI target, Optional<String> stop) {
            this.target = target;
            this.stop = stop;
        }

        void handle(HttpExchange exchange) throws IOException {
            requests.incrementAndGet();
            ObjectNode request = (ObjectNode) JSON.readTree(exchange.getRequestBody());
            stop.ifPresent(s -> request.putArray("stop").add(s));
            HttpResponse<String> reply;
            try {
                reply = HTTP.send(HttpRequest.newBuilder(target.resolve("v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            JsonNode choice = JSON.readTree(reply.body()).path("choices").path(0);
            if (choice.path("message").path("content").isTextual()) {
                finishReasons.put(choice.path("message").path("content").asText(),
                        choice.path("finish_reason").asText());
            }
            respond(exchange, reply.statusCode(), reply.body());
        }
    }

    @BeforeAll
    static void judgeTheSamplePromptsWithAPanelOfPhi4jServers() throws IOException {
        Path checkpoint = dir.resolve("tiny");
        TinyCheckpoint.write(checkpoint, ModelPresets.TINY.withContext(1024, 10_000));
        OpenAiServer a = serve(checkpoint);
        OpenAiServer b = serve(checkpoint);
        shims.put("alpha", new Shim(a.baseUri(), Optional.of("e")));
        shims.put("beta", new Shim(b.baseUri(), Optional.of("t")));
        shims.put("gamma", new Shim(b.baseUri(), Optional.empty()));
        for (Shim shim : shims.values()) {
            shim.baseUrl = listen(shim::handle);
        }
        String judge = listen(JudgePairsCommandTest::judge);

        List<String> prompts = new ArrayList<>(
                Files.readAllLines(TinyCheckpoint.ROOT.resolve("datasets/sample/dpo/prompts.jsonl")));
        assertEquals(VALID_PROMPTS, prompts.size());
        prompts.add("{\"prompt\": \"an unfinished line");
        Files.write(dir.resolve("prompts.jsonl"), prompts);
        config = dir.resolve("judge-pairs.yaml");
        List<String> yaml = new ArrayList<>(List.of(
                "prompts: " + dir.resolve("prompts.jsonl"),
                "output_dir: " + dir.resolve("first"),
                "cache_dir: " + dir.resolve("cache"),
                "margin: " + MARGIN,
                "sampling: {temperature: 1.0, max_tokens: 16}",
                "panel:"));
        for (String member : MEMBERS) {
            yaml.add("  - {name: " + member + ", base_url: " + shims.get(member).baseUrl + ", model: phi4j-tiny, "
                    + "max_concurrency: 2, max_retries: 0}");
        }
        yaml.addAll(List.of("judge: {name: judge, base_url: " + judge + ", model: scripted-judge, max_retries: 0}",
                ""));
        Files.write(config, yaml);

        first = CliRun.run("judge-pairs", config.toString());

        firstRunRequests = requestCounts();
        summary = JSON.readTree(dir.resolve("first/summary.json").toFile());
        pairs = jsonLines(dir.resolve("first/pairs.jsonl"));
        judgements = jsonLines(dir.resolve("first/judgements.jsonl"));
    }

    @AfterAll
    static void stop() {
        endpoints.forEach(endpoint -> endpoint.stop(0));
        servers.forEach(OpenAiServer::close);
        handlers.shutdownNow();
    }

    private static OpenAiServer serve(Path checkpoint) throws IOException {
        InferenceModel loaded = InferenceModel.load(checkpoint, true);
        OpenAiServer server = OpenAiServer.start(loaded.model(), loaded.tokenizer(),
                ServeConfig.defaults("phi4j-tiny").withPort(0));
        servers.add(server);
        return server;
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    /** An OpenAI-style endpoint on 127.0.0.1 answering POST /v1/chat/completions; returns its base URL. */
    private static String listen(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("POST")) {
                    respond(exchange, 405, "{}");
                } else {
                    handler.handle(exchange);
                }
            }
        });
        server.setExecutor(handlers);
        server.start();
        endpoints.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The scripted judge: reads the response its prompt quotes (the default prompt fences it in <<< and >>>). */
    private static void judge(HttpExchange exchange) throws IOException {
        judgeRequests.incrementAndGet();
        JsonNode messages = JSON.readTree(exchange.getRequestBody()).path("messages");
        String prompt = messages.path(messages.size() - 1).path("content").asText();
        Optional<String> response = quotedResponse(prompt);
        if (response.isEmpty()) {
            unreadableJudgePrompts.add(prompt);
            respond(exchange, 400, "{\"error\": {\"message\": \"no response quoted\"}}");
            return;
        }
        ObjectNode completion = JSON.createObjectNode().put("id", "judge-" + judgeRequests.get())
                .put("object", "chat.completion").put("model", "scripted-judge");
        completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop")
                .putObject("message").put("role", "assistant")
                .put("content", Verdict.of(response.get()).reply(response.get()));
        completion.putObject("usage").put("prompt_tokens", prompt.length() / 4).put("completion_tokens", 40);
        respond(exchange, 200, completion.toString());
    }

    private static Optional<String> quotedResponse(String judgePrompt) {
        String open = "\nResponse:\n<<<\n";
        int start = judgePrompt.indexOf(open);
        int end = judgePrompt.lastIndexOf("\n>>>");
        return start < 0 || end < start + open.length() ? Optional.empty()
                : Optional.of(judgePrompt.substring(start + open.length(), end));
    }

    private static Map<String, Integer> requestCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        shims.forEach((member, shim) -> counts.put(member, shim.requests.get()));
        counts.put("judge", judgeRequests.get());
        return counts;
    }

    private static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static Verdict written(JsonNode response) {
        JsonNode scores = response.path("scores");
        List<String> faults = new ArrayList<>();
        response.path("faults").forEach(f -> faults.add(f.asText()));
        return new Verdict(faults, scores.path("accuracy").asInt(), scores.path("style").asInt(),
                scores.path("detail").asInt());
    }

    /** The difference a pair is judged on: accuracy, or the mean when accuracy ties. */
    private static double difference(Verdict best, Verdict worst) {
        return best.accuracy() != worst.accuracy() ? best.accuracy() - worst.accuracy() : best.mean() - worst.mean();
    }

    private static String context() {
        return "\n--- stdout\n" + first.out() + "\n--- stderr\n" + first.err();
    }

    @Test
    void everyPromptAndResponseIsKeptOrDroppedWithANamedReason() {
        assertEquals(ExitCodes.OK, first.exitCode(), context());
        assertTrue(first.out().contains((VALID_PROMPTS + 1) + " prompt(s) from"), context());
        assertEquals(List.of(), unreadableJudgePrompts);

        JsonNode prompts = summary.path("prompts");
        assertEquals(VALID_PROMPTS + 1, prompts.path("in").asLong(), summary.toString());
        JsonNode byReason = prompts.path("dropped_by_reason");
        byReason.fieldNames().forEachRemaining(reason -> assertTrue(PROMPT_DROPS.contains(reason),
                "unexpected reason " + reason + ": " + summary));
        long dropped = 0;
        for (JsonNode count : byReason) {
            dropped += count.asLong();
        }
        assertEquals(prompts.path("in").asLong(), prompts.path("kept").asLong() + dropped, summary.toString());
        assertEquals(1, byReason.path("invalid_prompt").asLong(), summary.toString());
        assertEquals(prompts.path("kept").asLong(), pairs.size());
        assertEquals(prompts.path("in").asLong(), judgements.size());
        assertTrue(pairs.size() >= 1, "margin " + MARGIN + " keeps some of the noise's pairs: " + summary);
        assertTrue(byReason.path("below_margin").asLong() >= 1,
                "and drops some below it: " + summary);

        JsonNode responses = summary.path("responses");
        assertEquals(MEMBERS.size() * VALID_PROMPTS, responses.path("in").asLong(), "every member answers every "
                + "valid prompt; the malformed line is asked of no one");
        long droppedResponses = 0;
        for (JsonNode count : responses.path("dropped_by_reason")) {
            droppedResponses += count.asLong();
        }
        assertEquals(responses.path("in").asLong(), responses.path("kept").asLong() + droppedResponses,
                summary.toString());
        assertTrue(responses.path("dropped_by_reason").path("response_truncated").asLong() >= 1,
                "gamma's answers run to max_tokens: " + summary);
    }

    @Test
    void judgementsListEveryResponseWithTheJudgesScoresOrWhyItHasNone() {
        for (JsonNode judgement : judgements) {
            String id = judgement.path("prompt_id").asText();
            if (judgement.path("outcome").asText().equals("invalid_prompt")) {
                assertEquals(0, judgement.path("responses").size(), id);
                continue;
            }
            JsonNode responses = judgement.path("responses");
            assertEquals(MEMBERS, List.of(responses.path(0).path("member").asText(),
                    responses.path(1).path("member").asText(), responses.path(2).path("member").asText()), id);
            for (JsonNode response : responses) {
                String member = response.path("member").asText();
                String text = response.path("text").asText();
                String finish = shims.get(member).finishReasons.get(text);
                String where = id + " / " + member + ": " + response;
                assertNotNull(finish, "the text is what " + member + "'s server answered: " + where);
                if (finish.equals("length")) {
                    assertEquals("response_truncated", response.path("outcome").asText(), where);
                    assertFalse(response.has("scores"), where);
                    assertFalse(response.has("judge_call_id"), "a cut answer is not judged: " + where);
                } else if (text.isBlank()) {
                    assertEquals("response_empty", response.path("outcome").asText(), where);
                } else {
                    Verdict expected = Verdict.of(text);
                    assertEquals("scored", response.path("outcome").asText(), where);
                    assertEquals(expected, written(response), where);
                    assertEquals(expected.mean(), response.path("scores").path("mean").asDouble(), 1e-12, where);
                    assertEquals(expected.reply(text), response.path("judge_reply").asText(), where);
                }
            }
        }
    }

    @Test
    void chosenIsTheBestScoredResponseAndRejectedTheWorstByAtLeastTheMargin() {
        Map<String, JsonNode> pairById = new HashMap<>();
        for (JsonNode pair : pairs) {
            pairById.put(pair.path("prompt_id").asText(), pair);
            Verdict chosen = Verdict.of(pair.path("chosen").asText());
            Verdict rejected = Verdict.of(pair.path("rejected").asText());
            assertTrue(chosen.accuracy() > rejected.accuracy()
                    || chosen.accuracy() == rejected.accuracy() && chosen.mean() > rejected.mean(), pair.toString());
            assertTrue(difference(chosen, rejected) >= MARGIN - 1e-9, pair.toString());
            assertEquals("judge", pair.path("kind").asText());
            assertNotEquals(pair.path("chosen").asText(), pair.path("rejected").asText());
        }
        for (JsonNode judgement : judgements) {
            String id = judgement.path("prompt_id").asText();
            String outcome = judgement.path("outcome").asText();
            List<JsonNode> scored = new ArrayList<>();
            judgement.path("responses").forEach(r -> {
                if (r.path("outcome").asText().equals("scored")) {
                    scored.add(r);
                }
            });
            scored.sort(Comparator.comparing(r -> Verdict.of(r.path("text").asText()), Verdict.BETTER_FIRST));
            switch (outcome) {
                case "invalid_prompt" -> assertEquals(0, judgement.path("responses").size(), id);
                case "too_few_scored" -> assertTrue(scored.size() < 2, id + ": " + judgement);
                case "identical_responses" -> assertEquals(1, scored.stream().map(r -> r.path("text").asText())
                        .distinct().count(), id);
                case "below_margin", "kept" -> {
                    JsonNode best = scored.get(0);
                    JsonNode worst = scored.stream().filter(r -> !r.path("text").equals(best.path("text")))
                            .reduce((x, y) -> y).orElseThrow(() -> new AssertionError(id + ": " + judgement));
                    double difference = difference(Verdict.of(best.path("text").asText()),
                            Verdict.of(worst.path("text").asText()));
                    if (outcome.equals("kept")) {
                        assertTrue(difference >= MARGIN - 1e-9, id + ": " + judgement);
                        JsonNode pair = pairById.get(id);
                        assertNotNull(pair, id + " is kept, so pairs.jsonl has it");
                        assertEquals(judgement.path("pair_id").asText(), pair.path("id").asText());
                        assertEquals(Verdict.of(best.path("text").asText()),
                                Verdict.of(pair.path("chosen").asText()), "chosen ranks first: " + judgement);
                        assertEquals(Verdict.of(worst.path("text").asText()),
                                Verdict.of(pair.path("rejected").asText()), "rejected ranks last: " + judgement);
                        for (JsonNode response : judgement.path("responses")) {
                            String role = response.path("in_pair").asText();
                            if (!role.equals("none")) {
                                assertEquals(pair.path(role).asText(), response.path("text").asText(), id);
                                assertEquals(pair.path(role + "_by").asText(), response.path("member").asText(), id);
                            }
                        }
                    } else {
                        assertTrue(difference < MARGIN, id + ": " + judgement);
                        assertFalse(pairById.containsKey(id), id);
                    }
                }
                default -> fail(id + ": unexpected outcome " + outcome);
            }
        }
    }

    @Test
    void everyRequestIsCountedOnceAndMatchesWhatTheEndpointsSaw() {
        for (String member : MEMBERS) {
            assertEquals(VALID_PROMPTS, firstRunRequests.get(member), member + " was asked once per valid prompt");
        }
        Set<String> judgeCalls = new HashSet<>();
        for (JsonNode judgement : judgements) {
            judgement.path("responses").forEach(r -> {
                if (r.has("judge_call_id")) {
                    judgeCalls.add(r.path("judge_call_id").asText());
                }
            });
        }
        assertEquals(judgeCalls.size(), firstRunRequests.get("judge"), "one judge request per distinct response");
        assertEquals(firstRunRequests.values().stream().mapToInt(Integer::intValue).sum(),
                summary.path("requests").asLong(), summary.toString());
        for (JsonNode usage : summary.path("usage")) {
            assertEquals(0, usage.path("cached_calls").asLong(), "a first run finds nothing cached: " + usage);
            assertEquals(firstRunRequests.get(usage.path("teacher").asText()).longValue(),
                    usage.path("calls").asLong(), usage.toString());
        }
    }

    @Test
    void secondRunAsksNoEndpointAndWritesIdenticalPairs() throws IOException {
        Map<String, Integer> before = requestCounts();

        CliRun.Result again = CliRun.run("judge-pairs", config.toString(), "--set",
                "output_dir=" + dir.resolve("again"));

        assertEquals(ExitCodes.OK, again.exitCode(), again.out() + again.err());
        assertEquals(before, requestCounts(), "the panel servers and the judge were asked nothing");
        JsonNode rerun = JSON.readTree(dir.resolve("again/summary.json").toFile());
        assertEquals(0, rerun.path("requests").asLong(), rerun.toString());
        assertTrue(again.out().contains("requests   0 to endpoints"), again.out());
        for (JsonNode usage : rerun.path("usage")) {
            assertEquals(usage.path("calls").asLong(), usage.path("cached_calls").asLong(), usage.toString());
        }
        assertEquals(summary.path("prompts"), rerun.path("prompts"));
        assertEquals(summary.path("responses"), rerun.path("responses"));
        assertEquals(Files.readString(dir.resolve("first/pairs.jsonl")),
                Files.readString(dir.resolve("again/pairs.jsonl")));
        assertEquals(Files.readString(dir.resolve("first/judgements.jsonl")),
                Files.readString(dir.resolve("again/judgements.jsonl")));
    }
}
