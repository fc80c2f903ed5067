package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A {@link Teacher} behind an OpenAI-compatible {@code POST {base_url}/chat/completions} (vLLM, Ollama, llama.cpp's
 * server, a hosted API). Each request is looked up in the {@link ResponseCache} first; otherwise it is sent with at most
 * {@code max_concurrency} requests in flight, spaced by a {@link RateLimiter}, and retried on 429, 408, 5xx, timeouts,
 * connection errors and bodies that are not a chat completion, with exponential backoff and jitter (a
 * {@code Retry-After} on 429 and 503 overrides the backoff). Other 4xx are the request's fault and are not retried.
 * An answer cut at {@code max_tokens} ({@code finish_reason: length}) is an answer: returned and cached.
 * <p>
 * Thread-safe; one client per executor JVM is shared by all its tasks ({@link Teachers}).
 */
public final class TeacherClient implements Teacher {

    private static final Pattern DELAY_SECONDS = Pattern.compile("\\d+(\\.\\d+)?");

    private final TeacherConfig config;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final Duration timeout;
    private final Backoff backoff;
    private final Semaphore inFlight;
    private final RateLimiter rateLimiter;
    private final Optional<ResponseCache> cache;
    private final TeacherClock clock;
    // HTTP/1.1: plain-http HTTP/2 would start with an h2c upgrade, which some inference servers mishandle.
    private final HttpClient http;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong cachedCalls = new AtomicLong();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong completionTokens = new AtomicLong();

    /** One HTTP attempt: an answer, or why not and whether trying again may help. */
    private sealed interface Attempt permits Answered, Failed {}

    private record Answered(ResponseCache.Answer answer) implements Attempt {}

    private record Failed(String reason, boolean retryable, String raw, Optional<Duration> retryAfter, String detail)
            implements Attempt {}

    private TeacherClient(Builder builder) {
        this.config = builder.config;
        String url = ResponseCache.normaliseBaseUrl(config.baseUrl()) + "/chat/completions";
        this.endpoint = URI.create(url);
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("teacher '" + config.name() + "': base_url '" + config.baseUrl()
                    + "' is not an http:// or https:// URL");
        }
        this.apiKey = apiKey(config, builder.environment);
        this.timeout = Backoff.seconds(config.timeoutSeconds());
        this.backoff = Backoff.of(config, builder.jitter);
        this.inFlight = new Semaphore(config.maxConcurrency(), true);
        this.rateLimiter = new RateLimiter(builder.requestsPerSecond, builder.clock);
        this.cache = Optional.ofNullable(builder.cache);
        this.clock = builder.clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A client for {@code config}: the whole job's rate, no cache, the system clock and full jitter until told. */
    public static Builder builder(TeacherConfig config) {
        return new Builder(config);
    }

    @Override
    public String name() {
        return config.name();
    }

    public TeacherConfig config() {
        return config;
    }

    public Optional<ResponseCache> cache() {
        return cache;
    }

    /** Totals since this client was made; with elapsed time they give calls and tokens per second. */
    public TeacherUsage usage() {
        long prompt = promptTokens.get();
        long completion = completionTokens.get();
        return new TeacherUsage(name(), calls.get(), cachedCalls.get(), failedCalls.get(), prompt, completion,
                config.cost(prompt, completion));
    }

    @Override
    public String cacheKey(ChatRequest request) {
        return ResponseCache.cacheKey(config.baseUrl(), config.model(), request);
    }

    @Override
    public ChatResult complete(ChatRequest request) {
        String key = cacheKey(request);
        Optional<ResponseCache.Answer> hit = cache.flatMap(c -> c.get(key));
        if (hit.isPresent()) {
            calls.incrementAndGet();
            cachedCalls.incrementAndGet();
            return result(hit.get(), key, true, 0);
        }
        HttpRequest httpRequest = httpRequest(request);
        for (int attempt = 1; ; attempt++) {
            Attempt outcome = send(httpRequest);
            if (outcome instanceof Answered answered) {
                ResponseCache.Answer answer = answered.answer();
                cache.ifPresent(c -> c.put(config.baseUrl(), config.model(), request, answer));
                calls.incrementAndGet();
                promptTokens.addAndGet(answer.promptTokens());
                completionTokens.addAndGet(answer.completionTokens());
                return result(answer, key, false, attempt);
            }
            Failed failed = (Failed) outcome;
            if (!failed.retryable() || attempt > config.maxRetries()) {
                failedCalls.incrementAndGet();
                String why = failed.retryable() ? "gave up after " + attempt + " attempts"
                        : "failed, not retried as the request itself was refused";
                throw new TeacherException(failed.reason(), "teacher '" + name() + "' " + why + " at " + endpoint
                        + ": " + failed.detail(), failed.raw(), attempt);
            }
            int retry = attempt - 1;
            Duration delay = failed.retryAfter().map(backoff::retryAfter)
                    .orElseGet(() -> backoff.delay(retry, ThreadLocalRandom.current().nextDouble()));
            interruptibly(() -> clock.sleep(delay));
        }
    }

    private ChatResult result(ResponseCache.Answer answer, String key, boolean cached, int attempts) {
        return new ChatResult(name(), answer.model(), answer.text(), answer.finishReason(), answer.promptTokens(),
                answer.completionTokens(), key, cached, attempts);
    }

    private HttpRequest httpRequest(ChatRequest request) {
        ObjectNode body = ChatJson.MAPPER.createObjectNode();
        body.put("model", config.model());
        ChatJson.putMessages(body, request.messages());
        body.put("temperature", request.temperature());
        body.put("top_p", request.topP());
        body.put("max_tokens", request.maxTokens());
        body.put("seed", request.seed());
        body.put("n", 1);
        body.put("stream", false);
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        apiKey.ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder.build();
    }

    /** One POST, holding an in-flight permit only while it is on the wire (not while backing off). */
    private Attempt send(HttpRequest httpRequest) {
        interruptibly(inFlight::acquire);
        try {
            interruptibly(rateLimiter::acquire);
            CompletableFuture<HttpResponse<String>> pending =
                    http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString());
            try {
                // The request's own timeout ends the wait for headers; this one bounds the body as well.
                return classify(pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                pending.cancel(true);
                return timedOut();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof HttpTimeoutException) {
                    return timedOut();
                }
                return new Failed(TeacherException.UNREACHABLE, true, "", Optional.empty(), String.valueOf(cause));
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while calling teacher '" + name() + "'");
            }
        } finally {
            inFlight.release();
        }
    }

    private Failed timedOut() {
        return new Failed(TeacherException.TIMEOUT, true, "", Optional.empty(),
                "no response within " + config.timeoutSeconds() + " s");
    }

    private Attempt classify(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            return parse(body).<Attempt>map(Answered::new).orElseGet(() -> new Failed(TeacherException.INVALID_JSON,
                    true, body, Optional.empty(), "HTTP " + status + " body is not a chat completion with "
                    + "choices[0].message.content"));
        }
        boolean retryable = status == 408 || status == 429 || (status >= 500 && status < 600);
        Optional<Duration> retryAfter = status == 429 || status == 503
                ? response.headers().firstValue("Retry-After").flatMap(this::retryAfter) : Optional.empty();
        String reason = status == 429 ? TeacherException.RATE_LIMITED : TeacherException.http(status);
        return new Failed(reason, retryable, body, retryAfter, "HTTP " + status);
    }

    /**
     * The answer in a chat-completions body, or empty when it is not one. Usage the endpoint did not report counts
     * as 0 tokens, a missing model as the configured one, a missing finish reason as "".
     */
    private Optional<ResponseCache.Answer> parse(String body) {
        JsonNode root;
        try {
            root = ChatJson.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        JsonNode choice = root.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) {
            return Optional.empty();
        }
        JsonNode model = root.path("model");
        JsonNode usage = root.path("usage");
        return Optional.of(new ResponseCache.Answer(content.asText(), choice.path("finish_reason").asText(""),
                model.isTextual() && !model.asText().isBlank() ? model.asText() : config.model(),
                usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)));
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; empty when it is neither. */
    private Optional<Duration> retryAfter(String value) {
        String trimmed = value.strip();
        if (DELAY_SECONDS.matcher(trimmed).matches()) {
            return Optional.of(Backoff.seconds(Double.parseDouble(trimmed)));
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration until = Duration.between(clock.now(), at);
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> apiKey(TeacherConfig config, Function<String, String> environment) {
        Optional<String> variable = config.apiKeyEnv().filter(name -> !name.isBlank());
        if (variable.isEmpty()) {
            return Optional.empty();
        }
        String value = environment.apply(variable.get());
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("teacher '" + config.name() + "': environment variable "
                    + variable.get() + " (api_key_env) is not set; export it with the API key, or remove api_key_env"
                    + " for an endpoint that needs none");
        }
        return Optional.of(value.strip());
    }

    @FunctionalInterface
    private interface Blocking {
        void run() throws InterruptedException;
    }

    /** Runs a wait; an interrupt (Spark killing the task) ends the call, with the thread's flag set again. */
    private void interruptibly(Blocking wait) {
        try {
            wait.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while calling teacher '" + name() + "'");
        }
    }

    /** Settings of a {@link TeacherClient} beyond its config. */
    public static final class Builder {

        private final TeacherConfig config;
        private double requestsPerSecond;
        private ResponseCache cache;
        private TeacherClock clock = TeacherClock.SYSTEM;
        private Backoff.Jitter jitter = Backoff.Jitter.FULL;
        private Function<String, String> environment = System::getenv;

        private Builder(TeacherConfig config) {
            this.config = config;
            this.requestsPerSecond = config.requestsPerSecond();
        }

        /** This JVM's share of the job's {@code requests_per_second} (0: unlimited). */
        public Builder requestsPerSecond(double requestsPerSecond) {
            this.requestsPerSecond = requestsPerSecond;
            return this;
        }

        public Builder cache(ResponseCache cache) {
            this.cache = cache;
            return this;
        }

        public Builder clock(TeacherClock clock) {
            this.clock = clock;
            return this;
        }

        public Builder jitter(Backoff.Jitter jitter) {
            this.jitter = jitter;
            return this;
        }

        /** Where {@code api_key_env} is looked up: the process environment unless a test says otherwise. */
        public Builder environment(Function<String, String> environment) {
            this.environment = environment;
            return this;
        }

        public TeacherClient build() {
            return new TeacherClient(this);
        }
    }
}
