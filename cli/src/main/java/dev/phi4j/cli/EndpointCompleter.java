package dev.phi4j.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.schema.Message;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.TeacherClient;
import dev.phi4j.pipeline.teacher.TeacherConfig;
import dev.phi4j.pipeline.teacher.TeacherException;
import dev.phi4j.trainer.eval.Completer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The evaluation's {@link Completer} over an OpenAI-compatible endpoint, through the teacher client the pipeline uses
 * (retries with backoff, timeouts, usage), {@code max_concurrency} requests in flight. Sample j of a conversation is
 * one request with seed {@code seed + j}; no response cache, so a re-run asks again.
 */
final class EndpointCompleter implements Completer {

    /** The OpenAI API's error code for a prompt and completion longer than the model's context. */
    private static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

    private final TeacherClient client;
    private final TeacherConfig config;

    EndpointCompleter(String baseUrl, String model) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", "eval-endpoint");
        json.put("base_url", baseUrl);
        json.put("model", model);
        this.config = ConfigJson.fromJson(json, TeacherConfig.class, "--endpoint");
        this.client = TeacherClient.builder(config).build();
    }

    @Override
    public List<Answers> complete(List<List<Message>> conversations, Request request) {
        ExecutorService pool = Executors.newFixedThreadPool(config.maxConcurrency());
        try {
            List<List<Future<String>>> pending = new ArrayList<>();
            for (List<Message> conversation : conversations) {
                List<Future<String>> samples = new ArrayList<>();
                for (int j = 0; j < request.n(); j++) {
                    ChatRequest chat = new ChatRequest(conversation, request.temperature(), 1.0, request.maxTokens(),
                            request.seed() + j);
                    samples.add(pool.submit(() -> client.complete(chat).text()));
                }
                pending.add(samples);
            }
            List<Answers> answers = new ArrayList<>();
            for (List<Future<String>> samples : pending) {
                answers.add(answers(samples, request.n()));
            }
            return answers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + config.baseUrl(), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException(config.baseUrl() + ": " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The samples, or the server's refusal when the conversation does not fit its context. */
    private static Answers answers(List<Future<String>> samples, int n) throws InterruptedException,
            ExecutionException {
        List<String> texts = new ArrayList<>();
        for (Future<String> sample : samples) {
            try {
                texts.add(sample.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TeacherException failed
                        && failed.reason().equals(TeacherException.http(400))
                        && failed.raw().contains(CONTEXT_LENGTH_EXCEEDED)) {
                    return Answers.refused(failed.getMessage(), n);
                }
                throw e;
            }
        }
        return Answers.of(texts);
    }

    @Override
    public String name() {
        return config.baseUrl() + " (" + config.model() + ")";
    }
}
