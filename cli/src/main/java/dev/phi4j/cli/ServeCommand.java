package dev.phi4j.cli;

import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.serve.OpenAiServer;
import dev.phi4j.trainer.serve.ServeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "serve", mixinStandardHelpOptions = true, description = {
        "Serve a checkpoint over an OpenAI-compatible HTTP API: /v1/chat/completions, /v1/completions, /v1/models, "
                + "/health.",
        "Example: phi4j serve --checkpoint runs/tiny --port 8000",
        "         curl -s localhost:8000/v1/chat/completions -H 'Content-Type: application/json' "
                + "-d '{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}'"})
final class ServeCommand implements Callable<Integer> {

    private static final ServeConfig DEFAULTS = ServeConfig.defaults("model");

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "a run directory, its checkpoints/ directory or one checkpoint folder (model.json)")
    Path checkpoint;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE}, loopback only; there is no authentication)")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--model-name", description = "the model id clients send (default: the run directory's name)")
    String modelName;

    @Option(names = "--max-batch", description = "samples decoded together in one forward (default: 32)")
    Integer maxBatch;

    @Option(names = "--max-tokens", description = "largest max_tokens a request may ask for (default: 2048)")
    Integer maxTokens;

    @Option(names = "--max-n", description = "largest n (default: 16)")
    Integer maxN;

    @Option(names = "--max-body-bytes", description = "largest request body (default: 1048576)")
    Integer maxBodyBytes;

    @Option(names = "--request-timeout", description = "seconds a client may take to send a request (default: 30)")
    Integer requestTimeout;

    @Option(names = "--shutdown-grace", description = "seconds a shutdown waits for requests in flight (default: 30)")
    Integer shutdownGrace;

    @Option(names = "--no-cache", description = "serve with the no-cache baseline (for comparison only: slow)")
    boolean noCache;

    @Override
    public Integer call() throws IOException {
        InferenceModel loaded = InferenceModel.load(checkpoint, !noCache);
        ServeConfig config = new ServeConfig(host, port, modelName != null ? modelName : loaded.name(),
                or(maxBatch, DEFAULTS.maxBatchRows()), DEFAULTS.maxTokensPerStep(), or(maxTokens, DEFAULTS.maxTokens()),
                or(maxN, DEFAULTS.maxN()), DEFAULTS.maxChoices(), or(maxBodyBytes, DEFAULTS.maxBodyBytes()),
                DEFAULTS.maxQueued(), DEFAULTS.httpThreads(), or(requestTimeout, DEFAULTS.requestTimeoutSeconds()),
                or(shutdownGrace, DEFAULTS.shutdownGraceSeconds()));
        OpenAiServer server = OpenAiServer.start(loaded.model(), loaded.tokenizer(), config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("phi4j serve: shutting down; requests in flight finish first (at most "
                    + config.shutdownGraceSeconds() + " s)");
            server.shutdown(Duration.ofSeconds(config.shutdownGraceSeconds()));
            System.err.println("phi4j serve: stopped (" + server.statsLine() + ")");
        }, "phi4j-serve-shutdown"));
        if (!InetAddress.getByName(host).isLoopbackAddress()) {
            System.err.println("phi4j serve: warning: listening on " + host + ", beyond this machine, with no "
                    + "authentication");
        }
        System.err.printf(Locale.ROOT, "phi4j serve: model `%s` (%s parameters, context %d, %s) from %s%n",
                config.modelName(), Sizes.count(loaded.checkpoint().model().parameterCount()),
                loaded.checkpoint().model().contextLength(), noCache ? "no cache" : "KV cache",
                loaded.checkpoint().directory());
        System.out.println("listening on " + server.baseUri() + "/v1 (Ctrl-C stops after the requests in flight)");
        server.awaitShutdown();
        return ExitCodes.OK;
    }

    private static int or(Integer value, int fallback) {
        return value != null ? value : fallback;
    }
}
