package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.trainer.generate.LanguageModel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrency: many requests at once are all answered, batched together, and a shutdown lets them finish. */
class ServerLoadTest {

    @Test
    void fiftyConcurrentRequestsAreAllAnsweredInSharedForwards() throws Exception {
        try (TinyServer tiny = new TinyServer(TinyServer::cached, TinyServer.config())) {
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String body = i % 2 == 0
                        ? "{\"model\": \"tiny-test\", \"messages\": [{\"role\": \"user\", \"content\": \"request " + i
                        + "\"}], \"max_tokens\": 8, \"seed\": " + i + "}"
                        : "{\"model\": \"tiny-test\", \"prompt\": \"request " + i + "\", \"max_tokens\": 8, \"stream\": "
                        + (i % 4 == 1) + "}";
                String path = i % 2 == 0 ? "/v1/chat/completions" : "/v1/completions";
                replies.add(tiny.client.sendAsync(HttpRequest.newBuilder(tiny.uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> reply = replies.get(i).get(120, TimeUnit.SECONDS);
                assertEquals(200, reply.statusCode(), reply.body());
                if (i % 4 == 1) {
                    assertTrue(reply.body().endsWith("data: [DONE]\n\n"), "stream " + i + " ends with [DONE]");
                } else {
                    JsonNode body = TinyServer.JSON.readTree(reply.body());
                    assertTrue(body.get("usage").get("completion_tokens").asInt() >= 1);
                }
            }
            JsonNode health = tiny.get("/health").body();
            assertTrue(health.get("mean_batch").asDouble() > 2,
                    "concurrent requests share forwards: mean batch " + health.get("mean_batch"));
            assertEquals(0, health.get("outstanding_samples").asInt());
        }
    }

    /** A model that takes longer per forward: the same logits, later. */
    private record Slowed(LanguageModel model, long millis) implements LanguageModel {
        @Override
        public ModelConfig config() {
            return model.config();
        }

        @Override
        public State newSequence() {
            return model.newSequence();
        }

        @Override
        public List<INDArray> forward(List<Feed> feeds) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return model.forward(feeds);
        }
    }

    @Test
    void shutdownFinishesTheRequestInFlightAndRefusesNewOnes() throws Exception {
        // 25 ms more per forward: the request below stays in flight for over a second, whatever the machine.
        TinyServer tiny = new TinyServer(loaded -> new Slowed(loaded.model(), 25),
                TinyServer.config());
        CompletableFuture<HttpResponse<String>> inFlight = tiny.client.sendAsync(
                HttpRequest.newBuilder(tiny.uri("/v1/completions")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"model": "tiny-test", "prompt": "The lighthouse", "max_tokens": 48,
                                 "logit_bias": {"%d": -100, "%d": -100}}""".formatted(
                                tiny.tokenizer.specialTokens().imEnd(), tiny.tokenizer.specialTokens().endOfText())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (tiny.get("/health").body().get("outstanding_samples").asInt() == 0) {
            assertTrue(System.nanoTime() < deadline, "the request never reached the scheduler");
            Thread.sleep(5);
        }
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> tiny.server.shutdown(Duration.ofSeconds(60)));
        TinyServer.Reply late;
        do {
            late = tiny.post("/v1/completions", "{\"model\": \"tiny-test\", \"prompt\": \"late\"}");
        } while (late.status() == 200);
        assertEquals(503, late.status(), "a request that arrives while draining is refused");
        assertEquals("shutting_down", late.body().get("error").get("code").asText());
        assertTrue(!inFlight.isDone(), "the check ran while the first request was still in flight");

        HttpResponse<String> reply = inFlight.get(60, TimeUnit.SECONDS);
        assertEquals(200, reply.statusCode(), reply.body());
        JsonNode body = TinyServer.JSON.readTree(reply.body());
        assertEquals(48, body.get("usage").get("completion_tokens").asInt(), "the in-flight request ran to its end");
        assertEquals("length", body.get("choices").get(0).get("finish_reason").asText());

        shutdown.get(60, TimeUnit.SECONDS);
        IOException refused = assertThrows(IOException.class, () -> tiny.client.send(
                HttpRequest.newBuilder(tiny.uri("/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()));
        assertTrue(refused instanceof ConnectException || refused.getMessage() != null, refused.toString());
    }
}
