package dev.phi4j.bench.teacher;

import com.sun.net.httpserver.HttpServer;
import dev.phi4j.core.schema.Message;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ResponseCache;
import dev.phi4j.pipeline.teacher.TeacherClient;
import dev.phi4j.pipeline.teacher.TeacherConfig;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * What the teacher client costs on top of the network: requests per second against a local endpoint that answers
 * at once with a fixed completion (no model), so the client is all that is measured. Baseline: the JDK's HttpClient
 * posting the same bodies with the same concurrency, nothing else. Then phi4j's {@link TeacherClient} without a cache
 * (request JSON, response parsing, concurrency bound, retry bookkeeping), with a cold cache (every answer also
 * written as a file and renamed into place) and with a warm one (every answer read from its file, no request).
 */
public final class TeacherBench {

    public static final String BASELINE = "JDK HttpClient, raw (baseline)";
    private static final String COMPLETION = """
            {"id":"bench","object":"chat.completion","model":"bench","choices":[{"index":0,"message":{"role":"assistant",\
            "content":"The answer is 42, because six times seven is forty-two."},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":40,"completion_tokens":12,"total_tokens":52}}""";

    public record Settings(int requests, int concurrency) {
        public Settings {
            if (requests < 1 || concurrency < 1) {
                throw new IllegalArgumentException("requests and concurrency must be at least 1, got " + requests
                        + " and " + concurrency);
            }
        }
    }

    public record Row(String client, int requests, int httpRequests, double seconds) {
        public double requestsPerSecond() {
            return requests / seconds;
        }
    }

    /** @param rows the baseline first */
    public record Result(Settings settings, List<Row> rows) {
        public String render() {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "teacher client: %,d chat requests, "
                    + "%d in flight, against a local endpoint answering at once (no model)%n%n",
                    settings.requests(), settings.concurrency()));
            double base = rows.get(0).requestsPerSecond();
            out.append(String.format(Locale.ROOT, "%-52s %12s %14s %9s%n", "client", "requests/s", "HTTP requests",
                    "ratio"));
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "%-52s %,12.0f %,14d %8.2fx%n", row.client(),
                        row.requestsPerSecond(), row.httpRequests(), row.requestsPerSecond() / base));
            }
            return out.toString();
        }
    }

    private TeacherBench() {}

    public static Result run(Settings settings, Path cacheDir) throws Exception {
        // Without TCP_NODELAY the JDK's server waits out delayed ACKs (~40 ms a request on loopback), which would hide
        // any cost of the clients behind the server's.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        int[] served = {0};
        byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            synchronized (served) {
                served[0]++;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ExecutorService handlers = Executors.newFixedThreadPool(Math.max(4, settings.concurrency()));
        server.setExecutor(handlers);
        server.start();
        try {
            String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            TeacherConfig config = new TeacherConfig("bench", baseUrl, "bench", Optional.empty(),
                    settings.concurrency(), 0, 30, 0, 0, 0, 0, 0);
            List<Row> rows = new ArrayList<>();
            HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            TeacherClient plain = TeacherClient.builder(config).build();
            TeacherClient cached = TeacherClient.builder(config)
                    .cache(new ResponseCache(new org.apache.hadoop.fs.Path(cacheDir.toUri()), new Configuration()))
                    .build();
            rows.add(timed(BASELINE, settings, served, i -> post(raw, baseUrl, request(i))));
            rows.add(timed("phi4j TeacherClient, no cache", settings, served, i -> plain.complete(request(i))));
            rows.add(timed("phi4j TeacherClient, cache cold (fetch + write)", settings, served,
                    i -> cached.complete(request(i))));
            rows.add(timed("phi4j TeacherClient, cache warm (read, no request)", settings, served,
                    i -> cached.complete(request(i))));
            return new Result(settings, rows);
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    private static ChatRequest request(int i) {
        return new ChatRequest(List.of(Message.system("You solve problems step by step."),
                Message.user("Question " + i + ": what is six times seven? Explain.")), 0.7, 1.0, 256, i);
    }

    private static void post(HttpClient client, String baseUrl, ChatRequest request) {
        String json = String.format(Locale.ROOT, "{\"model\":\"bench\",\"messages\":[{\"role\":\"system\",\"content\":"
                + "\"%s\"},{\"role\":\"user\",\"content\":\"%s\"}],\"temperature\":%s,\"top_p\":%s,\"max_tokens\":%d,"
                + "\"seed\":%d}", request.messages().get(0).content(), request.messages().get(1).content(),
                request.temperature(), request.topP(), request.maxTokens(), request.seed());
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(baseUrl
                    + "/chat/completions")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("baseline request failed: HTTP " + response.statusCode());
            }
        } catch (IOException e) {
            throw new IllegalStateException("baseline request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Row timed(String name, Settings settings, int[] served, IntConsumer call) throws Exception {
        int before;
        synchronized (served) {
            before = served[0];
        }
        ExecutorService pool = Executors.newFixedThreadPool(settings.concurrency());
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>(settings.requests());
            for (int i = 0; i < settings.requests(); i++) {
                int index = i;
                futures.add(pool.submit(() -> call.accept(index)));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        synchronized (served) {
            return new Row(name, settings.requests(), served[0] - before, seconds);
        }
    }
}
