package dev.phi4j.pipeline.teacher;

import dev.phi4j.core.config.Default;
import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Range;

import java.io.Serializable;
import java.util.Optional;

/**
 * One teacher: an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp's server, a hosted API,
 * {@code phi4j serve}) and how hard to call it. A synthetic-data stage lists one or several (a panel).
 */
public record TeacherConfig(
        @Doc("the teacher's name, recorded in every sample's lineage and in the usage table") String name,
        @Doc("base URL of the API, e.g. http://localhost:8000/v1 (…/chat/completions is appended)") String baseUrl,
        @Doc("model name sent in each request") String model,
        @Doc("environment variable holding the API key (sent as a Bearer token); empty: no key")
        Optional<String> apiKeyEnv,
        @Doc("requests in flight at once per executor JVM") @Default("4") @Range(min = 1, max = 1024) int maxConcurrency,
        @Doc("requests per second across the whole job (shared out between executors); 0: unlimited")
        @Default("0") @Range(min = 0) double requestsPerSecond,
        @Doc("seconds to wait for one response before it counts as a timeout") @Default("120") @Range(min = 0.001)
        double timeoutSeconds,
        @Doc("retries after a 429, a 5xx, a timeout or an unreadable body, with exponential backoff and jitter")
        @Default("5") @Range(min = 0, max = 100) int maxRetries,
        @Doc("backoff before the first retry, doubled each retry; a Retry-After header overrides it")
        @Default("0.5") @Range(min = 0) double initialBackoffSeconds,
        @Doc("cap on one backoff") @Default("30") @Range(min = 0) double maxBackoffSeconds,
        @Doc("US dollars per million prompt tokens, for the cost column") @Default("0") @Range(min = 0)
        double inputPricePerMillion,
        @Doc("US dollars per million completion tokens") @Default("0") @Range(min = 0)
        double outputPricePerMillion) implements Serializable {

    public double cost(long promptTokens, long completionTokens) {
        return (promptTokens * inputPricePerMillion + completionTokens * outputPricePerMillion) / 1e6;
    }
}
