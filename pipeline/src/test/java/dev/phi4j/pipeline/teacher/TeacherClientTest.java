package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.schema.Message;
import dev.phi4j.pipeline.teacher.FaultyEndpoint.Reply;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class TeacherClientTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final double TIMEOUT_SECONDS = 0.2;

    @TempDir
    Path dir;

    private FaultyEndpoint endpoint;
    private final FakeClock clock = new FakeClock(NOW);

    @BeforeEach
    void startEndpoint() throws IOException {
        endpoint = new FaultyEndpoint();
    }

    @AfterEach
    void stopEndpoint() {
        endpoint.close();
    }

    /** A teacher with tiny timeouts and backoff: 4 in flight, no rate limit, $2 / $6 per million tokens. */
    private static TeacherConfig config(String baseUrl, int maxRetries, double initialBackoff, double maxBackoff) {
        return new TeacherConfig("teacher-a", baseUrl, "phi-teacher", Optional.empty(), 4, 0, TIMEOUT_SECONDS,
                maxRetries, initialBackoff, maxBackoff, 2.0, 6.0);
    }

    private TeacherConfig config(int maxRetries) {
        return config(endpoint.baseUrl(), maxRetries, 0.001, 0.004);
    }

    private ResponseCache cache() {
        return new ResponseCache(new org.apache.hadoop.fs.Path(dir.resolve("cache").toString()), new Configuration());
    }

    private TeacherClient client(TeacherConfig config) {
        return TeacherClient.builder(config).clock(clock).cache(cache()).build();
    }

    private static ChatRequest request(String question, long seed) {
        return new ChatRequest(List.of(Message.system("You are a careful tutor."), Message.user(question)), 0.7, 0.9,
                64, seed);
    }

    private static String expectedText(String question, long seed) {
        return "answer to '" + question + "' with seed " + seed;
    }

    @Test
    void answerIsParsedWithUsageAndTheRequestCarriesEverySamplingSetting() {
        ChatResult result = client(config(0)).complete(request("What is 2 + 2?", 7));

        assertEquals(expectedText("What is 2 + 2?", 7), result.text());
        assertEquals("stop", result.finishReason());
        assertFalse(result.truncated());
        assertEquals("teacher-a", result.teacher());
        assertEquals("served-phi-teacher", result.model());
        assertEquals(10, result.promptTokens(), "words of both messages, as the endpoint counted them");
        assertEquals(10, result.completionTokens());
        assertEquals(1, result.attempts());
        assertFalse(result.cached());
        assertTrue(result.cacheKey().matches("sha256:[0-9a-f]{64}"), result.cacheKey());

        JsonNode sent = endpoint.bodies().get(0);
        assertEquals("phi-teacher", sent.path("model").asText());
        assertEquals("system", sent.path("messages").path(0).path("role").asText());
        assertEquals("user", sent.path("messages").path(1).path("role").asText());
        assertEquals("What is 2 + 2?", sent.path("messages").path(1).path("content").asText());
        assertEquals(0.7, sent.path("temperature").asDouble());
        assertEquals(0.9, sent.path("top_p").asDouble());
        assertEquals(64, sent.path("max_tokens").asInt());
        assertEquals(7, sent.path("seed").asLong());
        assertEquals(1, sent.path("n").asInt());
        assertFalse(sent.path("stream").asBoolean(true));
        assertEquals(List.of("null"), endpoint.authorizations(), "no api_key_env: no Authorization header");
    }

    @Test
    void bearerKeyComesFromTheNamedEnvironmentVariable() {
        TeacherConfig base = config(0);
        TeacherConfig keyed = new TeacherConfig(base.name(), base.baseUrl(), base.model(), Optional.of("TEACHER_KEY"),
                4, 0, TIMEOUT_SECONDS, 0, 0, 0, 0, 0);
        TeacherClient client = TeacherClient.builder(keyed)
                .environment(name -> name.equals("TEACHER_KEY") ? "sk-test-123" : null).build();

        client.complete(request("q", 1));

        assertEquals(List.of("Bearer sk-test-123"), endpoint.authorizations());
    }

    @Test
    void unsetApiKeyVariableIsAnErrorThatNamesIt() {
        TeacherConfig base = config(0);
        TeacherConfig keyed = new TeacherConfig(base.name(), base.baseUrl(), base.model(),
                Optional.of("PHI4J_TEST_TEACHER_KEY"), 4, 0, TIMEOUT_SECONDS, 0, 0, 0, 0, 0);

        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> TeacherClient.builder(keyed).environment(name -> null).build());

        assertTrue(error.getMessage().contains("PHI4J_TEST_TEACHER_KEY"), error.getMessage());
        assertEquals(0, endpoint.requests());
    }

    static Stream<Reply> retriedFaults() {
        return FaultyEndpoint.FAULTS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("retriedFaults")
    void faultIsRetriedUntilTheEndpointAnswers(Reply fault) {
        endpoint.script(fault, fault);

        ChatResult result = client(config(3)).complete(request("Why is the sky blue?", 4));

        assertEquals(expectedText("Why is the sky blue?", 4), result.text());
        assertEquals(3, result.attempts());
        assertEquals(3, endpoint.requests());
        assertEquals(2, clock.sleeps().size());
    }

    static Stream<Arguments> exhaustedFaults() {
        String error500 = "{\"error\": {\"message\": \"scripted HTTP 500\"}}";
        return Stream.of(
                Arguments.of(Reply.status(500), "teacher_http_500", error500),
                Arguments.of(Reply.retryAfter(503, "0"), "teacher_http_503", "{\"error\": {\"message\": \"slow down\"}}"),
                Arguments.of(Reply.retryAfter(429, "0"), "teacher_rate_limited",
                        "{\"error\": {\"message\": \"slow down\"}}"),
                Arguments.of(Reply.slow(), "teacher_timeout", ""),
                Arguments.of(Reply.body(FaultyEndpoint.INVALID_JSON), "teacher_invalid_json",
                        FaultyEndpoint.INVALID_JSON),
                Arguments.of(Reply.body(FaultyEndpoint.NO_CONTENT), "teacher_invalid_json", FaultyEndpoint.NO_CONTENT));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("exhaustedFaults")
    void exhaustedRetriesThrowTheFaultsReasonWithTheLastBody(Reply fault, String reason, String raw) {
        endpoint.script(fault, fault, fault, Reply.ok());
        TeacherClient client = client(config(2));

        TeacherException error = assertThrows(TeacherException.class, () -> client.complete(request("q", 1)));

        assertEquals(reason, error.reason());
        assertEquals(raw, error.raw());
        assertEquals(3, error.attempts());
        assertEquals(3, endpoint.requests());
        assertTrue(error.getMessage().contains("teacher-a") && error.getMessage().contains("3 attempts"),
                error.getMessage());
        assertEquals(1, client.usage().failedCalls());
        assertEquals(0, client.usage().calls());
    }

    @Test
    void endpointThatRefusesConnectionsIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TeacherClient client = client(config("http://127.0.0.1:" + closedPort + "/v1/", 1, 0, 0));

        TeacherException error = assertThrows(TeacherException.class, () -> client.complete(request("q", 1)));

        assertEquals("teacher_unreachable", error.reason());
        assertEquals(2, error.attempts());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 404, 422})
    void clientErrorIsNotRetried(int status) {
        endpoint.script(Reply.status(status), Reply.ok());
        TeacherClient client = client(config(5));

        TeacherException error = assertThrows(TeacherException.class, () -> client.complete(request("q", 1)));

        assertEquals("teacher_http_" + status, error.reason());
        assertEquals(1, error.attempts());
        assertEquals(1, endpoint.requests());
        assertTrue(error.raw().contains("scripted HTTP " + status), error.raw());
        assertEquals(List.of(), clock.sleeps());
    }

    @Test
    void failureIsNotCachedSoTheNextRunAsksAgain() {
        endpoint.script(Reply.status(400));
        assertThrows(TeacherException.class, () -> client(config(0)).complete(request("q", 1)));

        ChatResult result = client(config(0)).complete(request("q", 1));

        assertFalse(result.cached());
        assertEquals(2, endpoint.requests());
    }

    @Test
    void retryAfterInSecondsAndAsAnHttpDateIsObeyed() {
        String fiveSecondsLater = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(5).atOffset(ZoneOffset.UTC));
        endpoint.script(Reply.retryAfter(429, "3"), Reply.retryAfter(503, fiveSecondsLater));

        ChatResult result = client(config(endpoint.baseUrl(), 5, 0.001, 30)).complete(request("q", 1));

        assertEquals(3, result.attempts());
        assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(2)), clock.sleeps(),
                "the date is 5 s after the first response, which came 3 s (one Retry-After) after the start");
    }

    @Test
    void retryAfterIsCappedAtMaxBackoffAndIgnoredOutside429And503() {
        endpoint.script(Reply.retryAfter(429, "3600"), Reply.retryAfter(500, "20"));

        client(config(endpoint.baseUrl(), 5, 0.5, 6)).complete(request("q", 1));

        List<Duration> sleeps = clock.sleeps();
        assertEquals(Duration.ofSeconds(6), sleeps.get(0), "an hour's Retry-After waits max_backoff_seconds");
        assertTrue(sleeps.get(1).compareTo(Duration.ofSeconds(1)) <= 0,
                "a 500's Retry-After is not a 429/503's: the second retry's backoff (≤ 1 s) applies, got " + sleeps);
    }

    @Test
    void backoffDoublesEachRetryUpToTheCap() {
        Reply fault = Reply.status(500);
        endpoint.script(fault, fault, fault, fault, fault, fault);
        TeacherClient client = TeacherClient.builder(config(endpoint.baseUrl(), 6, 1, 6)).clock(clock)
                .jitter(Backoff.Jitter.EQUAL).build();

        ChatResult result = client.complete(request("q", 1));

        assertEquals(7, result.attempts());
        double[] ceilings = {1, 2, 4, 6, 6, 6};
        List<Duration> sleeps = clock.sleeps();
        assertEquals(ceilings.length, sleeps.size());
        for (int retry = 0; retry < ceilings.length; retry++) {
            double seconds = sleeps.get(retry).toNanos() / 1e9;
            assertTrue(seconds >= ceilings[retry] / 2 && seconds <= ceilings[retry],
                    "retry " + retry + " waited " + seconds + " s, outside equal jitter's [" + ceilings[retry] / 2
                            + ", " + ceilings[retry] + "]: " + sleeps);
        }
    }

    @Test
    void truncatedAnswerIsReturnedAndCachedLikeAnyOther() {
        endpoint.script(Reply.length());

        ChatResult first = client(config(3)).complete(request("Write a long essay", 1));
        ChatResult again = client(config(3)).complete(request("Write a long essay", 1));

        assertTrue(first.truncated());
        assertEquals("length", first.finishReason());
        assertEquals(1, first.attempts(), "a length stop is an answer, not a fault to retry");
        assertTrue(again.cached());
        assertTrue(again.truncated());
        assertEquals(1, endpoint.requests());
    }

    @Test
    void identicalRequestIsAnsweredFromTheCacheWithoutACall() {
        ChatResult first = client(config(0)).complete(request("q", 1));

        ChatResult again = client(config(0)).complete(request("q", 1));

        assertEquals(1, endpoint.requests());
        assertTrue(again.cached());
        assertEquals(0, again.attempts());
        assertEquals(first.cacheKey(), again.cacheKey());
        assertEquals(new ChatResult(first.teacher(), first.model(), first.text(), first.finishReason(),
                first.promptTokens(), first.completionTokens(), first.cacheKey(), true, 0), again);
    }

    @Test
    void eachSeedOfAGreedyRequestIsItsOwnCacheEntryAndCall() throws IOException {
        TeacherClient client = client(config(0));
        ChatRequest greedy = new ChatRequest(List.of(Message.user("Solve x + 1 = 3")), 0.0, 1.0, 32, 1);

        ChatResult seed1 = client.complete(greedy);
        ChatResult seed2 = client.complete(greedy.withSeed(2));
        ChatResult seed1Again = client.complete(greedy);
        ChatResult seed2Again = client.complete(greedy.withSeed(2));

        assertEquals(2, endpoint.requests());
        assertNotEquals(seed1.cacheKey(), seed2.cacheKey());
        assertEquals(seed1.text(), seed1Again.text());
        assertEquals(seed2.text(), seed2Again.text());
        assertNotEquals(seed1.text(), seed2.text());
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".json")).count());
        }
    }

    @Test
    void corruptCacheEntryIsAMissAndIsRepaired() throws IOException {
        ChatResult first = client(config(0)).complete(request("q", 1));
        ResponseCache cache = cache();
        Path entry = Path.of(cache.file(first.cacheKey()).toUri());
        byte[] whole = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(whole, whole.length / 2));

        ChatResult afterCrash = client(config(0)).complete(request("q", 1));

        assertFalse(afterCrash.cached());
        assertEquals(2, endpoint.requests());
        assertEquals(first.text(), cache.get(first.cacheKey()).orElseThrow().text());
        assertTrue(client(config(0)).complete(request("q", 1)).cached());
    }

    @Test
    void inFlightRequestsNeverExceedMaxConcurrency() throws Exception {
        endpoint.answerDelayMillis(40);
        TeacherConfig base = config(0);
        TeacherConfig three = new TeacherConfig(base.name(), base.baseUrl(), base.model(), Optional.empty(), 3, 0,
                5, 0, 0, 0, 0, 0);
        TeacherClient client = TeacherClient.builder(three).build();
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            List<Future<ChatResult>> results = new ArrayList<>();
            for (int seed = 0; seed < 36; seed++) {
                ChatRequest request = request("q", seed);
                results.add(callers.submit(() -> client.complete(request)));
            }
            for (Future<ChatResult> result : results) {
                assertNotNull(result.get().text());
            }
        } finally {
            callers.shutdownNow();
        }

        assertEquals(36, endpoint.requests());
        assertTrue(endpoint.maxInFlight() <= 3, "max in flight " + endpoint.maxInFlight());
        assertTrue(endpoint.maxInFlight() >= 2, "12 callers did overlap: " + endpoint.maxInFlight());
    }

    @Test
    void rateLimitSpacesRequests() {
        TeacherClient client = TeacherClient.builder(config(0)).clock(clock).requestsPerSecond(4).build();

        for (int seed = 0; seed < 5; seed++) {
            client.complete(request("q", seed));
        }

        assertEquals(5, endpoint.requests());
        assertEquals(List.of(Duration.ofMillis(250), Duration.ofMillis(250), Duration.ofMillis(250),
                Duration.ofMillis(250)), clock.sleeps());
    }

    @Test
    void usageCountsAnswersCachedAnswersFailuresTokensAndCost() {
        TeacherClient client = client(config(0));
        ChatResult fetched = client.complete(request("q", 1));
        client.complete(request("q", 1));
        endpoint.script(Reply.status(400));
        assertThrows(TeacherException.class, () -> client.complete(request("q", 2)));

        TeacherUsage usage = client.usage();

        assertEquals(new TeacherUsage("teacher-a", 2, 1, 1, fetched.promptTokens(), fetched.completionTokens(),
                (fetched.promptTokens() * 2.0 + fetched.completionTokens() * 6.0) / 1e6), usage);
    }

    @Test
    void teachersShareOneClientPerConfigAndCacheFolder() {
        Configuration conf = new Configuration();
        String cacheA = dir.resolve("a").toString();
        String cacheB = dir.resolve("b").toString();

        TeacherClient first = Teachers.client(config(0), cacheA, 1.5, conf);

        assertSame(first, Teachers.client(config(0), cacheA, 1.5, conf));
        assertNotSame(first, Teachers.client(config(0), cacheB, 1.5, conf));
        assertNotSame(first, Teachers.client(config(1), cacheA, 1.5, conf));
        assertTrue(first.cache().isPresent());
    }

    @Test
    void everyRequestIsAnsweredThroughRandomFaultsAndThenFromTheCacheAlone() throws Exception {
        endpoint.faultRate(0.2);
        List<ChatRequest> requests = IntStream.range(0, 200)
                .mapToObj(i -> request("question " + (i % 50), i / 50)).toList();

        List<ChatResult> firstPass = completeAll(client(config(12)), requests);

        int calls = endpoint.requests();
        assertTrue(calls > 220, "about a fifth of 200+ attempts fail and are retried, got " + calls + " calls");
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(expectedText("question " + (i % 50), i / 50), firstPass.get(i).text());
        }

        endpoint.close();
        TeacherClient offline = client(config(0));
        List<ChatResult> secondPass = completeAll(offline, requests);

        assertEquals(calls, endpoint.requests());
        for (int i = 0; i < requests.size(); i++) {
            assertTrue(secondPass.get(i).cached());
            assertEquals(firstPass.get(i).text(), secondPass.get(i).text());
        }
        assertEquals(new TeacherUsage("teacher-a", 200, 200, 0, 0, 0, 0), offline.usage());
    }

    private static List<ChatResult> completeAll(TeacherClient client, List<ChatRequest> requests) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<ChatResult>> pending = new ArrayList<>();
            for (ChatRequest request : requests) {
                pending.add(callers.submit(() -> client.complete(request)));
            }
            List<ChatResult> results = new ArrayList<>();
            for (Future<ChatResult> result : pending) {
                results.add(result.get());
            }
            return results;
        } finally {
            callers.shutdownNow();
        }
    }
}
