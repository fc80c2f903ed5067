package dev.phi4j.bench.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code phi4j bench train}: training tokens/s, peak RSS and MFU of one shape, phi4j against the same model and step
 * in PyTorch (bench/torch_train.py, run as a child process), side by side with the ratio; with
 * {@code --context-factors 1,4}, at each multiple of the sequence length with the tokens per step kept (the
 * micro-batch divided by the factor), as context extension needs.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Training throughput and peak memory for one shape: phi4j vs the same model in PyTorch, with the ratio.",
        "Defaults are the issue's shape A. PyTorch: apt-get install -y python3-torch libopenblas0-pthread.",
        "Example: bin/phi4j bench train --steps 5",
        "         bin/phi4j bench train --context-factors 1,4 --steps 3   # 256 and 1,024 tokens, same tokens/step"})
public final class TrainBenchCommand implements Callable<Integer> {

    @Option(names = "--vocab", defaultValue = "8192", description = "vocabulary (default: ${DEFAULT-VALUE})")
    int vocab;
    @Option(names = "--d-model", defaultValue = "256", description = "residual width (default: ${DEFAULT-VALUE})")
    int dModel;
    @Option(names = "--layers", defaultValue = "4", description = "blocks (default: ${DEFAULT-VALUE})")
    int layers;
    @Option(names = "--heads", defaultValue = "4", description = "query heads (default: ${DEFAULT-VALUE})")
    int heads;
    @Option(names = "--kv-heads", description = "key/value heads (default: --heads)")
    Integer kvHeads;
    @Option(names = "--ffn", description = "SwiGLU width (default: 8/3·d_model rounded up to 64)")
    Integer ffn;
    @Option(names = "--seq", defaultValue = "256", description = "sequence length (default: ${DEFAULT-VALUE})")
    int seq;
    @Option(names = "--micro-batch", defaultValue = "8", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int microBatch;
    @Option(names = "--steps", defaultValue = "5", description = "timed steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup-steps", defaultValue = "2", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmupSteps;
    @Option(names = "--document-masking", description = "phi4j with document masking (PyTorch stays causal)")
    boolean documentMasking;
    @Option(names = "--python", description = "Python with torch (default: /usr/bin/python3 if present, else python3)")
    String python;
    @Option(names = "--script", defaultValue = "bench/torch_train.py", description = "the PyTorch side (default: ${DEFAULT-VALUE})")
    Path script;
    @Option(names = "--skip-torch", description = "measure phi4j only")
    boolean skipTorch;
    @Option(names = "--context-factors", split = ",", defaultValue = "1", description = "multiples of --seq to "
            + "measure, in increasing order, the micro-batch divided by each so that tokens per step stay equal "
            + "(default: ${DEFAULT-VALUE})")
    List<Integer> contextFactors;

    private record Side(String name, int seq, double tokensPerSecond, double stepSeconds, long peakRss, double mfu,
                        double peakFlops, double firstLoss, double lastLoss) {}

    @Override
    public Integer call() throws Exception {
        List<Integer> factors = contextFactors.stream().sorted().distinct().toList();
        if (factors.get(0) < 1 || microBatch % factors.get(factors.size() - 1) != 0) {
            throw new IllegalArgumentException("--context-factors must be positive and divide --micro-batch ("
                    + microBatch + "), got " + contextFactors);
        }
        List<Side> sides = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int factor : factors) {
            TrainBench.Shape shape = shape(factor);
            shape.model();                                                    // validates the shape
            System.out.printf(Locale.ROOT, "shape: vocab %,d, d_model %d, %d layers, %d heads (%d kv), ffn %d, seq %d, "
                            + "micro-batch %d; AdamW + clip 1.0; %d warm-up + %d timed steps, %d cores%n",
                    shape.vocab(), shape.dModel(), shape.layers(), shape.heads(), shape.kvHeads(), shape.ffn(),
                    shape.seq(), shape.microBatch(), warmupSteps, steps, Runtime.getRuntime().availableProcessors());
            if (!skipTorch) {
                try {
                    sides.add(torch(shape));
                } catch (IOException e) {
                    notes.add("PyTorch baseline unavailable at seq " + shape.seq() + ": " + e.getMessage());
                }
            }
            // One JVM measures every factor, smallest first: VmHWM only grows, so each reading is that factor's peak
            // as long as peaks grow with the context.
            TrainBench.Result phi4j = TrainBench.run(shape, warmupSteps, steps, documentMasking);
            sides.add(new Side("phi4j (DL4J " + (documentMasking ? "document masking" : "causal") + ")", shape.seq(),
                    phi4j.tokensPerSecond(), phi4j.secondsPerStep(), phi4j.peakRssBytes(), phi4j.mfu(),
                    phi4j.peakFlops(), phi4j.firstLoss(), phi4j.lastLoss()));
        }

        System.out.printf("%n%-30s %6s %12s %9s %14s %9s %16s %14s%n", "", "seq", "tokens/s", "s/step",
                "peak RSS MiB", "MFU", "GEMM peak GF/s", "loss first→last");
        for (Side side : sides) {
            System.out.printf(Locale.ROOT, "%-30s %6d %,12.0f %9.3f %,14.0f %8.1f%% %16.1f %7.3f→%.3f%n", side.name(),
                    side.seq(), side.tokensPerSecond(), side.stepSeconds(), side.peakRss() / 1048576.0,
                    100 * side.mfu(), side.peakFlops() / 1e9, side.firstLoss(), side.lastLoss());
        }
        System.out.println();
        for (int factor : factors) {
            int seq = this.seq * factor;
            List<Side> atSeq = sides.stream().filter(side -> side.seq() == seq).toList();
            if (atSeq.size() == 2) {
                System.out.printf(Locale.ROOT, "phi4j / PyTorch at seq %d: %.2fx tokens/s, %.2fx peak RSS%n", seq,
                        atSeq.get(1).tokensPerSecond() / atSeq.get(0).tokensPerSecond(),
                        (double) atSeq.get(1).peakRss() / atSeq.get(0).peakRss());
            }
        }
        System.out.println("MFU: 6·N_non-embedding + 6·layers·seq·d_model FLOPs per token, against each framework's "
                + "fastest 1024³ fp32 GEMM on this machine; peak RSS includes the runtime (JVM, Python).");
        notes.forEach(System.out::println);
        return ExitCode.OK;
    }

    private TrainBench.Shape shape(int contextFactor) {
        return new TrainBench.Shape(vocab, dModel, layers, heads, kvHeads == null ? heads : kvHeads,
                ffn == null ? (int) (Math.ceil(dModel * 8.0 / 3 / 64) * 64) : ffn, seq * contextFactor,
                microBatch / contextFactor);
    }

    private Side torch(TrainBench.Shape shape) throws IOException, InterruptedException {
        if (!Files.isRegularFile(script)) {
            throw new IOException(script + " not found (--script; run from the phi4j checkout)");
        }
        String interpreter = python != null ? python : Files.isExecutable(Path.of("/usr/bin/python3"))
                ? "/usr/bin/python3" : "python3";
        List<String> command = List.of(interpreter, script.toString(), "--vocab", "" + shape.vocab(), "--d-model",
                "" + shape.dModel(), "--layers", "" + shape.layers(), "--heads", "" + shape.heads(), "--kv-heads",
                "" + shape.kvHeads(), "--ffn", "" + shape.ffn(), "--seq", "" + shape.seq(), "--micro-batch",
                "" + shape.microBatch(), "--steps", "" + steps, "--warmup-steps", "" + warmupSteps);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            String tail = output.lines().reduce((a, b) -> b).orElse("");
            throw new IOException(String.join(" ", command) + " failed: " + tail
                    + " (apt-get install -y python3-torch libopenblas0-pthread)");
        }
        String last = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("no JSON result from " + script + ": " + output));
        JsonNode result = new ObjectMapper().readTree(last);
        return new Side(result.path("framework").asText() + " (causal)", shape.seq(),
                result.path("tokens_per_s").asDouble(),
                result.path("step_s").asDouble(), result.path("peak_rss_bytes").asLong(), result.path("mfu").asDouble(),
                result.path("peak_flops").asDouble(), result.path("first_loss").asDouble(),
                result.path("last_loss").asDouble());
    }
}
