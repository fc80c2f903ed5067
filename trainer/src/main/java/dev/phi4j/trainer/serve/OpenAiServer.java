package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.CompletionListener;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.GenerationTask;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.generate.SamplingParams;
import dev.phi4j.trainer.generate.TokenLogprob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible HTTP server for one model, on the JDK's {@code com.sun.net.httpserver}:
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: messages rendered with Phi-4's chat format, the reply sampled until
 *       {@code <|im_end|>};</li>
 *   <li>{@code POST /v1/completions}: raw text or token-id prompts, {@code echo} with prompt log-probabilities
 *       (so the server can score text);</li>
 *   <li>{@code POST /tokenize} and {@code POST /detokenize}, as vLLM serves them: text ↔ ids with the server's
 *       tokenizer and the context length, so that an evaluator can count, window and score by token ids;</li>
 *   <li>{@code GET /v1/models}, {@code GET /v1/models/{id}} (with vLLM's {@code max_model_len}),
 *       {@code GET /health}.</li>
 * </ul>
 * Streaming is server-sent events ending in {@code data: [DONE]}. Every refusal is a 4xx with an OpenAI error object;
 * a body larger than the limit is refused from its Content-Length before it is read; a client that takes longer than
 * {@code request_timeout_seconds} to send its request is disconnected (the JDK server's {@code maxReqTime}, a JVM-wide
 * setting fixed by the first server the JVM starts).
 *
 * <p>All samples of all requests go through one {@link Scheduler}, which batches them into shared forwards.
 * {@link #shutdown} stops taking requests, lets the ones in flight finish, then stops.
 */
public final class OpenAiServer implements AutoCloseable {

    private static final String REQUEST_TIMEOUT_PROPERTY = "sun.net.httpserver.maxReqTime";
    private static final String NO_DELAY_PROPERTY = "sun.net.httpserver.nodelay";

    private final ServeConfig config;
    private final Tokenizer tokenizer;
    private final Requests requests;
    private final Responses responses;
    private final Scheduler scheduler;
    private final HttpServer http;
    private final ExecutorService exchanges;
    private final long created = System.currentTimeMillis() / 1000;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean draining;

    private OpenAiServer(LanguageModel model, Tokenizer tokenizer, ServeConfig config) throws IOException {
        if (model.config().vocabSize() < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " ids but the model only "
                    + model.config().vocabSize());
        }
        this.config = config;
        this.tokenizer = tokenizer;
        this.requests = new Requests(config.modelName(), tokenizer, config, model.config().contextLength());
        this.responses = new Responses(tokenizer, config.modelName(), model.config().contextLength());
        this.scheduler = new Scheduler(new DecodeLoop(model, tokenizer,
                new DecodeLoop.Limits(config.maxBatchRows(), config.maxTokensPerStep())), config.maxQueued());
        configureJdkServer(config.requestTimeoutSeconds());
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 0);
        this.exchanges = Executors.newFixedThreadPool(config.httpThreads(), runnable -> {
            Thread thread = new Thread(runnable, "phi4j-http");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(exchanges);
        http.createContext("/", this::handle);
    }

    /** Binds and starts serving; {@link #address()} tells where (port 0 picks a free port). */
    public static OpenAiServer start(LanguageModel model, Tokenizer tokenizer, ServeConfig config) throws IOException {
        OpenAiServer server = new OpenAiServer(model, tokenizer, config);
        server.http.start();
        return server;
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** {@code http://host:port}, for clients. */
    public URI baseUri() {
        InetSocketAddress address = address();
        String host = address.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
    }

    /** Scheduler counters: samples outstanding, forwards run and their mean batch. */
    public String statsLine() {
        Scheduler.Stats stats = scheduler.stats();
        return String.format("%d samples done, %d forwards, mean batch %.2f", stats.completedSamples(), stats.steps(),
                stats.meanBatch());
    }

    /** The scheduler's counters, for the server benchmark ({@code phi4j bench serve}) to measure the mean batch. */
    public Scheduler.Stats schedulerStats() {
        return scheduler.stats();
    }

    /**
     * Graceful stop: new requests get 503 at once, requests in flight run to their end for up to {@code grace}, then
     * the listener closes and whatever is left is cancelled.
     */
    public void shutdown(Duration grace) {
        if (draining) {
            awaitShutdown();
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleep(20);
        }
        http.stop(0);
        scheduler.close(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        exchanges.shutdownNow();
        stopped.countDown();
    }

    /** Blocks until {@link #shutdown} has finished. */
    public void awaitShutdown() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(config.shutdownGraceSeconds()));
    }

    /** The JDK server reads its timeouts once, from system properties, when its first instance is created. */
    private static void configureJdkServer(int requestTimeoutSeconds) {
        if (System.getProperty(REQUEST_TIMEOUT_PROPERTY) == null) {
            System.setProperty(REQUEST_TIMEOUT_PROPERTY, Integer.toString(requestTimeoutSeconds));
        }
        if (System.getProperty(NO_DELAY_PROPERTY) == null) {
            System.setProperty(NO_DELAY_PROPERTY, "true");      // streamed chunks are small: no Nagle delay
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Routing
    // ---------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            exchange.getResponseHeaders().set("Server", "phi4j");
            exchange.getResponseHeaders().set("x-request-id", UUID.randomUUID().toString());
            if (draining) {
                throw new ApiError(503, "server_error", "The server is shutting down.", null, "shutting_down");
            }
            route(exchange);
        } catch (ApiError error) {
            sendError(exchange, error);
        } catch (IOException clientGone) {
            // The client closed the connection or timed out sending: nobody is left to answer.
        } catch (RuntimeException failure) {
            sendError(exchange, new ApiError(500, "server_error", "The server failed: " + failure, null, null));
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        switch (path) {
            case "/health" -> {
                requireMethod(exchange, "GET");
                ObjectNode health = Responses.JSON.createObjectNode();
                Scheduler.Stats stats = scheduler.stats();
                health.put("status", "ok");
                health.put("model", config.modelName());
                health.put("outstanding_samples", stats.outstanding());
                health.put("forwards", stats.steps());
                health.put("mean_batch", stats.meanBatch());
                sendJson(exchange, 200, health);
            }
            case "/v1/models" -> {
                requireMethod(exchange, "GET");
                sendJson(exchange, 200, responses.models(created));
            }
            case "/v1/chat/completions" -> {
                requireMethod(exchange, "POST");
                serve(exchange, requests.chat(readJson(exchange)));
            }
            case "/v1/completions" -> {
                requireMethod(exchange, "POST");
                serve(exchange, requests.completion(readJson(exchange)));
            }
            case "/tokenize" -> {
                requireMethod(exchange, "POST");
                sendJson(exchange, 200, responses.tokenize(requests.tokenize(readJson(exchange))));
            }
            case "/detokenize" -> {
                requireMethod(exchange, "POST");
                sendJson(exchange, 200, responses.detokenize(requests.detokenize(readJson(exchange))));
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    requireMethod(exchange, "GET");
                    String id = path.substring("/v1/models/".length());
                    if (!id.equals(config.modelName())) {
                        throw new ApiError(404, ApiError.INVALID_REQUEST, "The model `" + id + "` does not exist.",
                                "model", "model_not_found");
                    }
                    sendJson(exchange, 200, responses.model(created));
                    return;
                }
                throw new ApiError(404, ApiError.INVALID_REQUEST, "Unknown request URL: " + method + " " + path + ".",
                        null, "unknown_url");
            }
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ApiError(405, ApiError.INVALID_REQUEST, "Method " + exchange.getRequestMethod() + " is not "
                    + "allowed on " + exchange.getRequestURI().getPath() + "; use " + method + ".", null,
                    "method_not_allowed");
        }
    }

    private JsonNode readJson(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw ApiError.invalid("Invalid Content-Length: " + declared, null);
            }
            if (length > config.maxBodyBytes()) {
                throw tooLarge(length);
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(config.maxBodyBytes() + 1);
        }
        if (body.length > config.maxBodyBytes()) {
            throw tooLarge(body.length);
        }
        try {
            JsonNode json = Responses.JSON.readTree(body);
            if (json == null || json.isMissingNode()) {
                throw ApiError.invalid("The request body is empty; expected a JSON object.", null);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("We could not parse the JSON body of your request: "
                    + e.getOriginalMessage(), null, "invalid_json");
        }
    }

    private ApiError tooLarge(long bytes) {
        return new ApiError(413, ApiError.INVALID_REQUEST, "The request body has " + bytes + " bytes or more; this "
                + "server accepts at most " + config.maxBodyBytes() + ".", null, "request_too_large");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Generation
    // ---------------------------------------------------------------------------------------------------------

    /** What a sample's listener hands from the scheduler thread to the exchange's thread. */
    private sealed interface Event {
        int choice();
    }

    private record Delta(int choice, String text, List<TokenLogprob> logprobs) implements Event {}

    private record PromptLogprobs(int choice, List<TokenLogprob> logprobs) implements Event {}

    private record Done(int choice, Completion completion) implements Event {}

    private record Failed(int choice, Throwable failure) implements Event {}

    private void serve(HttpExchange exchange, GenerationJob job) throws IOException {
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        List<GenerationTask> tasks = new ArrayList<>(job.choices());
        for (int p = 0; p < job.prompts().size(); p++) {
            for (int j = 0; j < job.n(); j++) {
                int choice = p * job.n() + j;
                SamplingParams params = job.params().toBuilder()
                        .seed(GenerationTask.sampleSeed(job.params().seed(), j)).build();
                tasks.add(new GenerationTask(job.prompts().get(p), params, scheduler.tracked(new CompletionListener() {
                    @Override
                    public void onDelta(String text, List<TokenLogprob> logprobs) {
                        if (job.stream()) {
                            events.add(new Delta(choice, text, logprobs));
                        }
                    }

                    @Override
                    public void onPromptLogprobs(List<TokenLogprob> logprobs) {
                        if (job.stream()) {
                            events.add(new PromptLogprobs(choice, logprobs));
                        }
                    }

                    @Override
                    public void onComplete(Completion completion) {
                        events.add(new Done(choice, completion));
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                        events.add(new Failed(choice, failure));
                    }
                })));
            }
        }
        try {
            scheduler.submit(tasks);
        } catch (Scheduler.Overloaded overloaded) {
            throw new ApiError(503, "server_error", "The server is overloaded: " + overloaded.getMessage(), null,
                    "overloaded");
        }
        String id = (job.endpoint() == GenerationJob.Endpoint.CHAT ? "chatcmpl-" : "cmpl-")
                + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        long createdAt = System.currentTimeMillis() / 1000;
        try {
            if (job.stream()) {
                stream(exchange, job, id, createdAt, events);
            } else {
                Completion[] completions = new Completion[job.choices()];
                for (int remaining = job.choices(); remaining > 0; remaining--) {
                    Event event = events.take();
                    if (event instanceof Failed failed) {
                        throw failureToError(failed.failure());
                    }
                    completions[event.choice()] = ((Done) event).completion();
                }
                List<Completion> all = List.of(completions);
                sendJson(exchange, 200, job.endpoint() == GenerationJob.Endpoint.CHAT
                        ? responses.chat(id, createdAt, job, all) : responses.completion(id, createdAt, job, all));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "server_error", "The server is shutting down.", null, "shutting_down");
        } finally {
            tasks.forEach(GenerationTask::cancel);                 // a no-op for tasks that ended
        }
    }

    private void stream(HttpExchange exchange, GenerationJob job, String id, long createdAt,
                        LinkedBlockingQueue<Event> events) throws IOException, InterruptedException {
        boolean chat = job.endpoint() == GenerationJob.Endpoint.CHAT;
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        boolean echoLogprobs = job.echo() && job.params().wantsLogprobs();
        StringBuilder[] texts = new StringBuilder[job.choices()];
        for (int choice = 0; choice < job.choices(); choice++) {
            texts[choice] = new StringBuilder();
            if (chat) {
                send(out, responses.chatChunk(id, createdAt, choice, true, "", null, null, job.includeUsage()));
            } else if (job.echo() && !echoLogprobs) {
                send(out, responses.completionChunk(id, createdAt, choice, echoPrefix(job, choice), null, null,
                        job.includeUsage()));
            }
        }
        int completionTokens = 0;
        for (int remaining = job.choices(); remaining > 0; ) {
            Event event = events.take();
            int choice = event.choice();
            if (event instanceof Failed failed) {
                send(out, Responses.error(failureToError(failed.failure())));
                break;
            } else if (event instanceof PromptLogprobs prompt) {
                int[] promptTokens = job.prompts().get(choice / job.n());
                send(out, responses.completionChunk(id, createdAt, choice, echoPrefix(job, choice),
                        responses.promptLegacyLogprobs(promptTokens, prompt.logprobs()), null, job.includeUsage()));
            } else if (event instanceof Delta delta) {
                texts[choice].append(delta.text());
                if (chat) {
                    send(out, responses.chatChunk(id, createdAt, choice, false, delta.text(),
                            job.params().wantsLogprobs() ? delta.logprobs() : null, null, job.includeUsage()));
                } else {
                    ObjectNode logprobs = job.params().wantsLogprobs()
                            ? responses.legacyLogprobs(delta.logprobs(), echoPrefix(job, choice),
                            texts[choice].toString(), job.params().topLogprobs()) : null;
                    send(out, responses.completionChunk(id, createdAt, choice, delta.text(), logprobs, null,
                            job.includeUsage()));
                }
            } else if (event instanceof Done done) {
                completionTokens += done.completion().tokens().length;
                String reason = done.completion().finishReason().apiName();
                send(out, chat
                        ? responses.chatChunk(id, createdAt, choice, false, null, null, reason, job.includeUsage())
                        : responses.completionChunk(id, createdAt, choice, "", null, reason, job.includeUsage()));
                remaining--;
            }
        }
        if (job.includeUsage()) {
            send(out, responses.usageChunk(id, chat ? "chat.completion.chunk" : "text_completion", createdAt,
                    job.promptTokens(), completionTokens));
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String echoPrefix(GenerationJob job, int choice) {
        return job.echo() ? tokenizer.decode(job.prompts().get(choice / job.n())) : "";
    }

    private static ApiError failureToError(Throwable failure) {
        if (failure instanceof IllegalArgumentException invalid) {
            return ApiError.invalid(invalid.getMessage(), null);
        }
        if (failure instanceof CancellationException) {
            return new ApiError(503, "server_error", "The request was cancelled: the server is shutting down.", null,
                    "shutting_down");
        }
        return new ApiError(500, "server_error", "Generation failed: " + failure, null, null);
    }

    private static void send(OutputStream out, ObjectNode event) throws IOException {
        out.write(("data: " + Responses.JSON.writeValueAsString(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sendJson(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = Responses.JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendError(HttpExchange exchange, ApiError error) {
        if (exchange.getResponseCode() != -1) {
            return;                                   // headers already went out (a stream): nothing more to say
        }
        try {
            sendJson(exchange, error.status, Responses.error(error));
        } catch (IOException clientGone) {
            // nobody to tell
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
