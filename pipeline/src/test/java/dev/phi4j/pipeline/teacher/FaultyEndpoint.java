package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A real chat-completions endpoint on 127.0.0.1 that answers from a script: the reply of the first {@link #replyTo}
 * rule the request matches, else the next scripted {@link Reply} if any, else a random fault at {@link #faultRate},
 * else a good answer. The answer text names the request's last message and
 * seed, so a test can tell whose answer it got. Counts requests and the most it had in flight at once.
 */
public final class FaultyEndpoint implements AutoCloseable {

    static final String INVALID_JSON = "{\"choices\": [{\"message\": {\"content\": \"cut off mid";
    static final String NO_CONTENT = "{\"choices\": [{\"message\": {\"role\": \"assistant\"}, \"finish_reason\": \"stop\"}]}";
    static final long SLOW_MILLIS = 1500;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One scripted reply: a status, a body ({@code null}: a chat completion ending with {@code finishReason}). */
    public record Reply(int status, String finishReason, String body, String retryAfter, long delayMillis) {

        static Reply ok() {
            return new Reply(200, "stop", null, null, 0);
        }

        /** A good answer cut at max_tokens ({@code finish_reason: length}). */
        public static Reply length() {
            return new Reply(200, "length", null, null, 0);
        }

        /** An error status with a JSON error body. */
        public static Reply status(int status) {
            return new Reply(status, null, "{\"error\": {\"message\": \"scripted HTTP " + status + "\"}}", null, 0);
        }

        static Reply retryAfter(int status, String retryAfter) {
            return new Reply(status, null, "{\"error\": {\"message\": \"slow down\"}}", retryAfter, 0);
        }

        /** A good answer sent after {@link #SLOW_MILLIS}, past the client's timeout in these tests. */
        static Reply slow() {
            return new Reply(200, "stop", null, null, SLOW_MILLIS);
        }

        static Reply body(String body) {
            return new Reply(200, null, body, null, 0);
        }

        @Override
        public String toString() {
            return delayMillis > 0 ? "slow" : status + (body == null ? " " + finishReason : " " + body);
        }
    }

    static final List<Reply> FAULTS = List.of(Reply.status(500), Reply.status(502), Reply.retryAfter(503, "0"),
            Reply.retryAfter(429, "0"), Reply.status(408), Reply.slow(), Reply.body(INVALID_JSON),
            Reply.body(NO_CONTENT));

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Map.Entry<Predicate<JsonNode>, Reply>> rules = new CopyOnWriteArrayList<>();
    private final Random random = new Random(42);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile double faultRate;
    private volatile long answerDelayMillis;
    private volatile Function<JsonNode, String> answers = FaultyEndpoint::answerText;

    public FaultyEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The next requests get these replies, in order. */
    FaultyEndpoint script(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /**
     * Requests {@code matching} get {@code reply}, however many times they are asked: a fault tied to what is asked
     * rather than to the order in which concurrent requests arrive.
     */
    public FaultyEndpoint replyTo(Predicate<JsonNode> matching, Reply reply) {
        rules.add(Map.entry(matching, reply));
        return this;
    }

    /** Unscripted requests get a random one of {@link #FAULTS} with this probability. */
    public FaultyEndpoint faultRate(double rate) {
        faultRate = rate;
        return this;
    }

    /** Good answers are {@code answers(request)} instead of {@link #answerText}: a scripted teacher over HTTP. */
    public FaultyEndpoint answerWith(Function<JsonNode, String> answers) {
        this.answers = answers;
        return this;
    }

    /** Good answers take this long, so that concurrent requests overlap. */
    public FaultyEndpoint answerDelayMillis(long millis) {
        answerDelayMillis = millis;
        return this;
    }

    public int requests() {
        return requests.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    List<JsonNode> bodies() {
        return List.copyOf(bodies);
    }

    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** The answer text for a request: what the tests expect back. */
    static String answerText(JsonNode request) {
        JsonNode messages = request.path("messages");
        return "answer to '" + messages.path(messages.size() - 1).path("content").asText() + "' with seed "
                + request.path("seed").asLong();
    }

    private Reply next(JsonNode request) {
        for (Map.Entry<Predicate<JsonNode>, Reply> rule : rules) {
            if (rule.getKey().test(request)) {
                return rule.getValue();
            }
        }
        Reply scripted = script.poll();
        if (scripted != null) {
            return scripted;
        }
        synchronized (random) {
            return random.nextDouble() < faultRate ? FAULTS.get(random.nextInt(FAULTS.size())) : Reply.ok();
        }
    }

    private void handle(HttpExchange exchange) {
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean stillInFlight = true;
        try {
            JsonNode request = MAPPER.readTree(exchange.getRequestBody());
            bodies.add(request);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Reply reply = next(request);
            long delay = reply.delayMillis() > 0 ? reply.delayMillis() : reply.status() == 200 ? answerDelayMillis : 0;
            if (delay > 0) {
                Thread.sleep(delay);
            }
            String body = reply.body() != null ? reply.body() : completion(request, reply.finishReason());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if (reply.retryAfter() != null) {
                exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
            }
            // Out of flight once it starts answering: the client may send its next request as soon as it has this one.
            inFlight.decrementAndGet();
            stillInFlight = false;
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException | InterruptedException e) {
            // The client gave up on this request (timed out) or the endpoint is closing: nobody reads the answer.
        } finally {
            if (stillInFlight) {
                inFlight.decrementAndGet();
            }
            exchange.close();
        }
    }

    private String completion(JsonNode request, String finishReason) {
        String text = answers.apply(request);
        int promptTokens = 0;
        for (JsonNode message : request.path("messages")) {
            promptTokens += message.path("content").asText().split("\\s+").length;
        }
        ObjectNode completion = MAPPER.createObjectNode();
        completion.put("id", "chatcmpl-test").put("object", "chat.completion")
                .put("model", "served-" + request.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", finishReason);
        int completionTokens = text.split("\\s+").length;
        completion.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return completion.toString();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
