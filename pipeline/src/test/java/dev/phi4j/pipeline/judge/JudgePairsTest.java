package dev.phi4j.pipeline.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.IdKind;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.TestSpark;
import dev.phi4j.pipeline.mixture.DpoSetConfig;
import dev.phi4j.pipeline.mixture.MixtureBuild;
import dev.phi4j.pipeline.mixture.MixtureConfig;
import dev.phi4j.pipeline.mixture.MixtureManifest;
import dev.phi4j.pipeline.mixture.PostTrainingInput;
import dev.phi4j.pipeline.mixture.ProfileConfig;
import dev.phi4j.pipeline.teacher.FaultyEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code phi4j judge-pairs} against real HTTP endpoints on 127.0.0.1: two panel members (alpha, beta) answering from a
 * script, and a judge whose scripted verdicts come fenced, in prose, malformed or with a score out of range.
 */
class JudgePairsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Prompt → (alpha's answer, beta's answer). */
    private static final Map<String, List<String>> ANSWERS = new LinkedHashMap<>();
    /** Response → the judge's reply about it. */
    private static final Map<String, String> VERDICTS = new LinkedHashMap<>();

    static {
        // Alpha is accurate but terse; beta reads well but is wrong: accuracy decides, whatever the mean.
        answer("What is 7 × 8?", "56.", "7 × 8 is 54, as the times table shows in detail.");
        verdict("56.",
                "```json\n{\"faults\": [\"no working shown\"], \"accuracy\": 5, \"style\": 2, \"detail\": 1}\n```");
        verdict("7 × 8 is 54, as the times table shows in detail.",
                "```json\n{\"faults\": [\"wrong product\"], \"accuracy\": 2, \"style\": 5, \"detail\": 5}\n```");
        // Equal accuracy: beta's higher mean wins.
        answer("Name a prime between 20 and 30.", "23.", "23 is prime: it has no divisor between 2 and its root.");
        verdict("23.",
                "Both correct. My verdict: {\"faults\": [\"bare\"], \"accuracy\": 5, \"style\": 3, \"detail\": 1}");
        verdict("23 is prime: it has no divisor between 2 and its root.",
                "Here you go:\n{\"faults\": [], \"accuracy\": 5, \"style\": 5, \"detail\": 5}\nHope this helps.");
        // Equal accuracy, means 4 and 3.67: under the margin of 1.
        answer("How many days are in a leap year?", "366 days.", "A leap year has 366 days.");
        verdict("366 days.", "{\"faults\": [], \"accuracy\": 5, \"style\": 4, \"detail\": 3}");
        verdict("A leap year has 366 days.", "{\"faults\": [], \"accuracy\": 5, \"style\": 4, \"detail\": 4}");
        // Beta's verdict is not JSON: one scored response is no pair.
        answer("What is the capital of France?", "Paris.", "Paris, on the Seine.");
        verdict("Paris.", "{'faults': [], 'accuracy': '5', 'style': 4, 'detail': 2,}");
        verdict("Paris, on the Seine.", "I would give this a 5 out of 5 for accuracy, honestly.");
        // Alpha's verdict has a score out of range.
        answer("Spell 'necessary'.", "necesary", "necessary");
        verdict("necesary", "{\"faults\": [\"misspelt\"], \"accuracy\": 0, \"style\": 3, \"detail\": 3}");
        verdict("necessary", "{\"faults\": [], \"accuracy\": 5, \"style\": 5, \"detail\": 5}");
        // Both members say the same thing.
        answer("Say hello.", "Hello!", "Hello!");
        verdict("Hello!", "{\"faults\": [], \"accuracy\": 5, \"style\": 5, \"detail\": 5}");
        // A conversation with a system turn, and lineage carried from the prompt file.
        answer("And 12 × 12?", "12 × 12 = 124.", "12 × 12 = 144.");
        verdict("12 × 12 = 124.", "{\"faults\": [\"arithmetic\"], \"accuracy\": 1, \"style\": 4, \"detail\": 3}");
        verdict("12 × 12 = 144.", "{\"faults\": [], \"accuracy\": 5, \"style\": 4, \"detail\": 3}");
    }

    private static final String LINEAGE = RecordIds.of(IdKind.SAMPLE, "times table");

    private static final List<String> PROMPTS = List.of(
            "{\"id\": \"times\", \"prompt\": \"What is 7 × 8?\"}",
            "{\"prompt\": [{\"role\": \"user\", \"content\": \"Name a prime between 20 and 30.\"}]}",
            "{\"prompt\": \"How many days are in a leap year?\"}",
            "",
            "{\"prompt\": \"What is the capital of France?\"}",
            "{\"prompt\": \"Spell 'necessary'.\"}",
            "{\"prompt\": \"Say hello.\"}",
            "{\"id\": \"tutor\", \"lineage\": [\"" + LINEAGE + "\"], \"prompt\": [{\"role\": \"system\", \"content\": "
                    + "\"You are a tutor.\"}, {\"role\": \"user\", \"content\": \"What is 11 × 11?\"}, {\"role\": "
                    + "\"assistant\", \"content\": \"121.\"}, {\"role\": \"user\", \"content\": \"And 12 × 12?\"}]}",
            "{not json",
            "{\"prompt\": [{\"role\": \"user\", \"content\": \"Finish this:\"}, {\"role\": \"assistant\", "
                    + "\"content\": \"Once upon\"}]}");

    @TempDir
    static Path dir;

    private static FaultyEndpoint alpha;
    private static FaultyEndpoint beta;
    private static FaultyEndpoint judge;
    private static JudgePairsSummary summary;
    private static Map<String, JsonNode> judgements;
    private static Map<String, JsonNode> pairs;

    private static void answer(String prompt, String alphaSays, String betaSays) {
        ANSWERS.put(prompt, List.of(alphaSays, betaSays));
    }

    private static void verdict(String response, String reply) {
        VERDICTS.put(response, reply);
    }

    private static String lastMessage(JsonNode request) {
        JsonNode messages = request.path("messages");
        return messages.path(messages.size() - 1).path("content").asText();
    }

    /** The judge's reply to the response its prompt quotes (the default prompt fences it with <<< and >>>). */
    private static String judgeReply(JsonNode request) {
        String prompt = lastMessage(request);
        return VERDICTS.entrySet().stream()
                .filter(v -> prompt.contains("Response:\n<<<\n" + v.getKey() + "\n>>>"))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("the judge was asked about an unscripted response: " + prompt));
    }

    @BeforeAll
    static void judgeThePrompts() throws IOException {
        alpha = new FaultyEndpoint().answerWith(request -> ANSWERS.get(lastMessage(request)).get(0));
        beta = new FaultyEndpoint().answerWith(request -> ANSWERS.get(lastMessage(request)).get(1));
        judge = new FaultyEndpoint().answerWith(JudgePairsTest::judgeReply);
        Files.write(dir.resolve("prompts.jsonl"), PROMPTS);
        summary = new JudgePairs(config("run", "prompts.jsonl")).run(done -> { });
        judgements = byPromptId(dir.resolve("run").resolve(JudgePairs.JUDGEMENTS));
        pairs = byPromptId(dir.resolve("run").resolve(JudgePairs.PAIRS));
    }

    @AfterAll
    static void stopEndpoints() {
        alpha.close();
        beta.close();
        judge.close();
    }

    /** The config as a user writes it, so the binder's defaults (the default judge prompt) are the ones tested. */
    private static JudgePairsConfig config(String output, String prompts) throws IOException {
        Path file = dir.resolve(output + ".yaml");
        Files.writeString(file, String.join("\n",
                "prompts: " + dir.resolve(prompts),
                "output_dir: " + dir.resolve(output),
                "cache_dir: " + dir.resolve("cache"),
                "margin: 1",
                "sampling: {temperature: 0.7, max_tokens: 128}",
                "panel:",
                endpoint("alpha", alpha),
                endpoint("beta", beta),
                "judge:",
                "  name: judge",
                "  base_url: " + judge.baseUrl(),
                "  model: scripted-judge",
                "  max_retries: 0",
                ""));
        return JudgePairsConfig.load(file, List.of()).config();
    }

    private static String endpoint(String name, FaultyEndpoint endpoint) {
        return "  - {name: " + name + ", base_url: " + endpoint.baseUrl() + ", model: " + name
                + "-model, max_retries: 0}";
    }

    private static Map<String, JsonNode> byPromptId(Path file) throws IOException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode node = JSON.readTree(line);
            byId.put(node.path("prompt_id").asText(), node);
        }
        return byId;
    }

    @Test
    void chosenHasTheHigherAccuracyEvenWithTheLowerMean() {
        JsonNode pair = pairs.get("times");
        assertEquals("56.", pair.path("chosen").asText());
        assertEquals("7 × 8 is 54, as the times table shows in detail.", pair.path("rejected").asText());
        assertEquals("alpha", pair.path("chosen_by").asText());
        assertEquals("beta", pair.path("rejected_by").asText());
        assertEquals("judge", pair.path("kind").asText());
        JsonNode chosen = judgements.get("times").path("responses").path(0);
        assertEquals("chosen", chosen.path("in_pair").asText());
        assertEquals("no working shown", chosen.path("faults").path(0).asText());
        assertTrue(chosen.path("scores").path("mean").asDouble()
                < judgements.get("times").path("responses").path(1).path("scores").path("mean").asDouble());
    }

    @Test
    void accuracyTieIsBrokenByTheHigherMean() {
        JsonNode pair = pairs.get("line-2");
        assertEquals("beta", pair.path("chosen_by").asText(), "accuracy 5 = 5, mean 5 > 3");
        assertEquals("23.", pair.path("rejected").asText());
        assertTrue(judgements.get("line-2").path("detail").asText().contains("mean difference 2.00"),
                judgements.get("line-2").toString());
    }

    @Test
    void pairUnderTheMarginIsDroppedWithItsScores() {
        JsonNode outcome = judgements.get("line-3");
        assertEquals(JudgePairs.BELOW_MARGIN, outcome.path("outcome").asText());
        assertEquals("beta over alpha: accuracy 5 vs 5, mean 4.33 vs 4.00; mean difference 0.33 < margin 1",
                outcome.path("detail").asText());
        assertFalse(pairs.containsKey("line-3"));
    }

    @Test
    void unreadableJudgementDropsThatResponseWithItsReason() {
        JsonNode prose = judgements.get("line-5");
        assertEquals(JudgePairs.TOO_FEW_SCORED, prose.path("outcome").asText());
        assertEquals("scored", prose.path("responses").path(0).path("outcome").asText(),
                "single quotes, a numeric string and a trailing comma still read");
        assertEquals(Judgement.NOT_JSON, prose.path("responses").path(1).path("outcome").asText());
        assertEquals("I would give this a 5 out of 5 for accuracy, honestly.",
                prose.path("responses").path(1).path("judge_reply").asText());

        JsonNode outOfRange = judgements.get("line-6");
        assertEquals(JudgePairs.TOO_FEW_SCORED, outOfRange.path("outcome").asText());
        assertEquals(Judgement.INVALID_SCORES, outOfRange.path("responses").path(0).path("outcome").asText());
        assertEquals("accuracy 0 is outside 1–5", outOfRange.path("responses").path(0).path("detail").asText());

        assertEquals(Map.of(Judgement.NOT_JSON, 1L, Judgement.INVALID_SCORES, 1L),
                summary.responses().droppedByReason());
    }

    @Test
    void identicalResponsesMakeNoPair() {
        assertEquals(JudgePairs.IDENTICAL_RESPONSES, judgements.get("line-7").path("outcome").asText());
    }

    @Test
    void conversationPromptKeepsItsTurnsAndLineageGainsTheTwoResponseCalls() {
        JsonNode pair = pairs.get("tutor");
        assertEquals(4, pair.path("prompt").size());
        assertEquals("system", pair.path("prompt").path(0).path("role").asText());
        assertEquals("12 × 12 = 144.", pair.path("chosen").asText());
        JsonNode lineage = pair.path("lineage");
        assertEquals(3, lineage.size());
        assertEquals(LINEAGE, lineage.path(0).asText());
        JsonNode responses = judgements.get("tutor").path("responses");
        assertEquals(responses.path(1).path("call_id").asText(), lineage.path(1).asText(), "chosen: beta's call");
        assertEquals(responses.path(0).path("call_id").asText(), lineage.path(2).asText(), "rejected: alpha's call");
    }

    @Test
    void linesThatAreNotPromptsAreDroppedWithoutAsking() {
        JsonNode notJson = judgements.get("line-9");
        assertEquals(JudgePairs.INVALID_PROMPT, notJson.path("outcome").asText());
        assertTrue(notJson.path("detail").asText().startsWith("malformed JSON"), notJson.toString());
        assertEquals(0, notJson.path("responses").size());
        JsonNode unfinished = judgements.get("line-10");
        assertEquals(JudgePairs.INVALID_PROMPT, unfinished.path("outcome").asText());
        assertTrue(unfinished.path("detail").asText().contains("last turn is assistant"), unfinished.toString());
    }

    @Test
    void everyPromptIsKeptOrDroppedWithAReason() throws IOException {
        assertEquals(9, summary.prompts().in(), "ten lines, one blank");
        assertEquals(3, summary.prompts().kept());
        assertEquals(Map.of(JudgePairs.BELOW_MARGIN, 1L, JudgePairs.TOO_FEW_SCORED, 2L,
                JudgePairs.IDENTICAL_RESPONSES, 1L, JudgePairs.INVALID_PROMPT, 2L),
                summary.prompts().droppedByReason());
        assertEquals(summary.prompts().in(), summary.prompts().kept() + summary.prompts().dropped());
        assertEquals(14, summary.responses().in(), "two per valid prompt");
        assertEquals(12, summary.responses().kept());
        assertTrue(summary.accountedFor());
        assertEquals(summary.prompts().in(), judgements.size());
        assertEquals(summary.prompts().kept(), pairs.size());

        JsonNode written = JSON.readTree(dir.resolve("run").resolve(JudgePairs.SUMMARY).toFile());
        assertEquals(JudgePairsSummary.FORMAT, written.path("format").asText());
        assertEquals(9, written.path("prompts").path("in").asLong());
        assertEquals(2, written.path("prompts").path("dropped_by_reason").path("invalid_prompt").asLong());
        assertEquals(14 + 13, written.path("requests").asLong(),
                "14 answers and 13 judgements: the two identical answers are one judge request");
        try (var files = Files.list(dir.resolve("run"))) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".partial")).toList());
        }
    }

    @Test
    void secondRunAsksNoEndpointAndWritesTheSamePairs() throws IOException {
        int asked = alpha.requests() + beta.requests() + judge.requests();

        JudgePairsSummary again = new JudgePairs(config("again", "prompts.jsonl")).run(done -> { });

        assertEquals(asked, alpha.requests() + beta.requests() + judge.requests());
        assertEquals(0, again.requests());
        assertEquals(summary.prompts(), again.prompts());
        assertEquals(Files.readString(dir.resolve("run").resolve(JudgePairs.PAIRS)),
                Files.readString(dir.resolve("again").resolve(JudgePairs.PAIRS)));
    }

    @Test
    void failedPanelCallDropsThatResponseAndIsAskedAgainNextRun() throws IOException {
        String question = "Which planet is largest?";
        answer(question, "Jupiter.", "unused");
        verdict("Jupiter.", "{\"faults\": [], \"accuracy\": 5, \"style\": 5, \"detail\": 5}");
        beta.replyTo(request -> lastMessage(request).equals(question), FaultyEndpoint.Reply.status(500));
        Files.write(dir.resolve("failing.jsonl"), List.of("{\"prompt\": \"" + question + "\"}"));
        int betaAsked = beta.requests();

        JudgePairsSummary first = new JudgePairs(config("failing", "failing.jsonl")).run(done -> { });
        JudgePairsSummary second = new JudgePairs(config("failing", "failing.jsonl")).run(done -> { });

        assertEquals(Map.of(JudgePairs.TOO_FEW_SCORED, 1L), first.prompts().droppedByReason());
        assertEquals(Map.of("teacher_http_500", 1L), first.responses().droppedByReason());
        assertEquals(2, beta.requests() - betaAsked, "a failure is not cached: the next run asks again");
        assertEquals(1, second.requests(), "only the failed call; alpha's answer and its judgement are cached");
    }

    @Test
    void pairsBuildAMixtureDpoSet() {
        Path pairsFile = dir.resolve("run").resolve(JudgePairs.PAIRS);
        MixtureConfig mixture = new MixtureConfig(Map.of(), Optional.of(dir.resolve("mixtures").toString()),
                new TokenizerConfig(TokenizerConfig.Kind.PHI4, Optional.empty(), 1024, List.of()),
                new SparkConfig("local[2]", "test", 4, 2, "warn", Map.of()), 7, new ProfileConfig(3, 10, 100),
                List.of(new DpoSetConfig("dpo", 256, List.of(pairsFile.toString()), PostTrainingInput.AUTO, 0.0,
                        1L << 27, 1)));

        MixtureManifest manifest = new MixtureBuild(mixture, System.out).run(TestSpark.session()).get(0).manifest();

        assertEquals(summary.prompts().kept(), manifest.counts().in());
        assertEquals(summary.prompts().kept(), manifest.counts().kept(),
                manifest.counts().droppedByReason().toString());
        assertEquals(summary.prompts().kept(), manifest.sections().get("dpo.summary").path("pairs_by_kind")
                .path("judge").asLong());
    }
}
