package dev.phi4j.bench.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.serve.OpenAiServer;
import dev.phi4j.trainer.serve.Scheduler;
import dev.phi4j.trainer.serve.ServeConfig;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Server throughput through real HTTP: {@code concurrency} clients each send completion requests back to back until
 * {@code requests} have been answered; every request generates exactly {@code maxTokens} tokens (the stop tokens are
 * biased away) so that runs compare. Each batch size in {@code batchRows} gets its own server; batch 1 (one sample
 * per forward, no batching) is the baseline the others are compared with.
 */
public final class ServeBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public record Settings(int requests, int concurrency, int maxTokens, List<Integer> batchRows) {
        public Settings {
            batchRows = List.copyOf(batchRows);
            if (requests < 1 || concurrency < 1 || maxTokens < 1 || batchRows.isEmpty()) {
                throw new IllegalArgumentException("requests, concurrency and max tokens must be >= 1, and at least one"
                        + " batch size given");
            }
        }
    }

    public record Row(int maxBatchRows, int requests, double seconds, long promptTokens, long completionTokens,
                      double meanBatch, double p50Seconds, double p95Seconds) {

        public double requestsPerSecond() {
            return requests / seconds;
        }

        public double tokensPerSecond() {
            return completionTokens / seconds;
        }
    }

    public record Result(String model, Settings settings, List<Row> rows) {

        public String render() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "server throughput, %s: %d requests from %d concurrent clients, "
                            + "POST /v1/completions, %d new tokens each, temperature 1%n%n", model, settings.requests(),
                    settings.concurrency(), settings.maxTokens()));
            out.append(String.format(Locale.ROOT, "%10s %10s %12s %12s %10s %12s %12s %12s%n", "max batch", "seconds",
                    "requests/s", "tokens/s", "vs batch 1", "mean batch", "p50 latency", "p95 latency"));
            Row baseline = rows.get(0);
            for (Row row : rows) {
                out.append(String.format(Locale.ROOT, "%10d %10.2f %12.2f %12.1f %9.2fx %12.2f %11.2fs %11.2fs%n",
                        row.maxBatchRows(), row.seconds(), row.requestsPerSecond(), row.tokensPerSecond(),
                        row.tokensPerSecond() / baseline.tokensPerSecond(), row.meanBatch(), row.p50Seconds(),
                        row.p95Seconds()));
            }
            return out.toString();
        }
    }

    private ServeBench() {}

    public static Result run(LanguageModel model, Tokenizer tokenizer, String name, Settings settings,
                             Consumer<String> progress) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (int batchRows : settings.batchRows()) {
            ServeConfig config = ServeConfig.defaults(name).withPort(0).withMaxBatchRows(batchRows);
            try (OpenAiServer server = OpenAiServer.start(model, tokenizer, config)) {
                progress.accept("max batch " + batchRows + ": warming up");
                load(server, tokenizer, name, new Settings(Math.min(4, settings.requests()), settings.concurrency(),
                        Math.min(4, settings.maxTokens()), List.of(batchRows)));
                Scheduler.Stats before = server.schedulerStats();
                progress.accept("max batch " + batchRows + ": " + settings.requests() + " requests");
                long start = System.nanoTime();
                List<JsonNode> usages = new ArrayList<>();
                double[] latencies = load(server, tokenizer, name, settings, usages);
                double seconds = (System.nanoTime() - start) / 1e9;
                long promptTokens = usages.stream().mapToLong(u -> u.get("prompt_tokens").asLong()).sum();
                long completionTokens = usages.stream().mapToLong(u -> u.get("completion_tokens").asLong()).sum();
                Arrays.sort(latencies);
                Scheduler.Stats after = server.schedulerStats();
                double meanBatch = (double) (after.rowsStepped() - before.rowsStepped())
                        / Math.max(1, after.steps() - before.steps());
                rows.add(new Row(batchRows, settings.requests(), seconds, promptTokens, completionTokens, meanBatch,
                        percentile(latencies, 0.5), percentile(latencies, 0.95)));
            }
        }
        return new Result(name, settings, rows);
    }

    private static double[] load(OpenAiServer server, Tokenizer tokenizer, String name, Settings settings)
            throws InterruptedException {
        return load(server, tokenizer, name, settings, new ArrayList<>());
    }

    /** Sends the requests; returns each one's latency in seconds and collects the usage objects. */
    private static double[] load(OpenAiServer server, Tokenizer tokenizer, String name, Settings settings,
                                 List<JsonNode> usages) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        double[] latencies = new double[settings.requests()];
        ExecutorService clients = Executors.newFixedThreadPool(settings.concurrency());
        List<Future<List<JsonNode>>> done = new ArrayList<>();
        for (int c = 0; c < settings.concurrency(); c++) {
            done.add(clients.submit(() -> {
                List<JsonNode> mine = new ArrayList<>();
                for (int i; (i = next.getAndIncrement()) < settings.requests(); ) {
                    ObjectNode body = JSON.createObjectNode().put("model", name)
                            .put("prompt", "Request " + i + ": the lighthouse keeper counted the ships that passed")
                            .put("max_tokens", settings.maxTokens()).put("temperature", 1.0).put("seed", i);
                    body.putObject("logit_bias").put(Integer.toString(tokenizer.specialTokens().imEnd()), -100)
                            .put(Integer.toString(tokenizer.specialTokens().endOfText()), -100);
                    long start = System.nanoTime();
                    HttpResponse<String> reply = client.send(HttpRequest.newBuilder(
                                    server.baseUri().resolve("/v1/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    latencies[i] = (System.nanoTime() - start) / 1e9;
                    if (reply.statusCode() != 200) {
                        throw new IllegalStateException("request " + i + " failed: " + reply.statusCode() + " "
                                + reply.body());
                    }
                    mine.add(JSON.readTree(reply.body()).get("usage"));
                }
                return mine;
            }));
        }
        clients.shutdown();
        try {
            for (Future<List<JsonNode>> future : done) {
                usages.addAll(future.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        return latencies;
    }

    private static double percentile(double[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * (sorted.length - 1) + 0.5))];
    }
}
