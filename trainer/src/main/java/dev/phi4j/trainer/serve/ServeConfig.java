package dev.phi4j.trainer.serve;

import dev.phi4j.core.Doc;

/**
 * How {@code phi4j serve} listens and what it accepts. Requests beyond a limit get a 4xx error naming the field and
 * the limit, never a truncated answer.
 *
 * @see OpenAiServer
 */
public record ServeConfig(
        @Doc("address to bind; loopback by default so nothing outside the machine can reach it") String host,
        @Doc("TCP port; 0 picks a free one") int port,
        @Doc("the model id clients name in `model`") String modelName,
        @Doc("requests' samples decoded together in one forward at most") int maxBatchRows,
        @Doc("tokens one forward takes at most when it admits new prompts") int maxTokensPerStep,
        @Doc("largest max_tokens a request may ask for") int maxTokens,
        @Doc("largest n (samples per prompt)") int maxN,
        @Doc("largest number of choices (prompts × n) of one request") int maxChoices,
        @Doc("largest request body in bytes") int maxBodyBytes,
        @Doc("samples queued or running at most; more get 503") int maxQueued,
        @Doc("threads serving HTTP exchanges (each waiting request holds one)") int httpThreads,
        @Doc("seconds a client may take to send its request before the connection is closed") int requestTimeoutSeconds,
        @Doc("seconds a shutdown waits for in-flight requests") int shutdownGraceSeconds) {

    public ServeConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (modelName == null || modelName.isBlank()) {
            throw new IllegalArgumentException("model name must not be empty");
        }
        positive("max batch rows", maxBatchRows);
        positive("max tokens per step", maxTokensPerStep);
        positive("max tokens", maxTokens);
        positive("max n", maxN);
        positive("max choices", maxChoices);
        positive("max body bytes", maxBodyBytes);
        positive("max queued", maxQueued);
        positive("http threads", httpThreads);
        positive("request timeout", requestTimeoutSeconds);
        if (shutdownGraceSeconds < 0) {
            throw new IllegalArgumentException("shutdown grace must be >= 0 seconds");
        }
    }

    /** Loopback, port 8000, 32 rows per forward, 2048 tokens per request, n ≤ 16, 1 MiB bodies, 30 s to send one. */
    public static ServeConfig defaults(String modelName) {
        return new ServeConfig("127.0.0.1", 8000, modelName, 32, 4096, 2048, 16, 128, 1 << 20, 1024, 256, 30, 30);
    }

    public ServeConfig withPort(int newPort) {
        return new ServeConfig(host, newPort, modelName, maxBatchRows, maxTokensPerStep, maxTokens, maxN, maxChoices,
                maxBodyBytes, maxQueued, httpThreads, requestTimeoutSeconds, shutdownGraceSeconds);
    }

    public ServeConfig withHost(String newHost) {
        return new ServeConfig(newHost, port, modelName, maxBatchRows, maxTokensPerStep, maxTokens, maxN, maxChoices,
                maxBodyBytes, maxQueued, httpThreads, requestTimeoutSeconds, shutdownGraceSeconds);
    }

    public ServeConfig withMaxBatchRows(int rows) {
        return new ServeConfig(host, port, modelName, rows, maxTokensPerStep, maxTokens, maxN, maxChoices,
                maxBodyBytes, maxQueued, httpThreads, requestTimeoutSeconds, shutdownGraceSeconds);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }
}
