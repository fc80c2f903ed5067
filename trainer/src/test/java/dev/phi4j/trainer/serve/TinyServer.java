package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.LanguageModel;
import dev.phi4j.trainer.generate.TinyCheckpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A running server on the tiny preset and a real HTTP client for it. */
final class TinyServer implements AutoCloseable {

    static final String MODEL = "tiny-test";
    static final ObjectMapper JSON = new ObjectMapper();

    /** Small limits so that every refusal is cheap to provoke. */
    static ServeConfig config() {
        return new ServeConfig("127.0.0.1", 0, MODEL, 16, 2048, 64, 4, 8, 64 * 1024, 256, 96, 5, 30);
    }

    final OpenAiServer server;
    final Tokenizer tokenizer;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The run folder of the served checkpoint: a test loads its own copy to compute reference values. */
    final Path run;

    /** Serves a freshly written tiny checkpoint, loaded as {@code phi4j serve} loads one, through {@code model}. */
    TinyServer(Function<InferenceModel, LanguageModel> model, ServeConfig config) {
        try {
            run = TinyCheckpoint.write(Files.createTempDirectory("phi4j-serve-test"), 5);
            InferenceModel loaded = InferenceModel.load(run, true);
            tokenizer = loaded.tokenizer();
            server = OpenAiServer.start(model.apply(loaded), tokenizer, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkpoint's model with the KV cache, as served by default. */
    static LanguageModel cached(InferenceModel loaded) {
        return loaded.model();
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

    URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply post(String path, JsonNode json) {
        return post(path, json.toString());
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a streaming request and returns the parsed {@code data:} events, {@code [DONE]} as a text node. */
    List<JsonNode> stream(String path, JsonNode json) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.toString())).build();
        try {
            HttpResponse<java.util.stream.Stream<String>> response =
                    client.send(request, HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new AssertionError("status " + response.statusCode());
            }
            if (!response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                throw new AssertionError("not an event stream: " + response.headers());
            }
            List<JsonNode> events = new ArrayList<>();
            List<String> lines = response.body().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isEmpty()) {
                    continue;
                }
                if (!line.startsWith("data: ")) {
                    throw new AssertionError("not an SSE data line: " + line);
                }
                if (i + 1 >= lines.size() || !lines.get(i + 1).isEmpty()) {
                    throw new AssertionError("an SSE event must end with a blank line: " + line);
                }
                String data = line.substring("data: ".length());
                events.add(data.equals("[DONE]") ? JSON.getNodeFactory().textNode("[DONE]") : JSON.readTree(data));
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(5));
        try (var files = Files.walk(run)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
