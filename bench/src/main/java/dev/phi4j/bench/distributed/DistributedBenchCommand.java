package dev.phi4j.bench.distributed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.config.ConfigJson;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.model.ModelPresets;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.BpeTokenizer;
import dev.phi4j.core.tokenizer.BpeTrainer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.distributed.DistributedTrainingException;
import dev.phi4j.trainer.distributed.SparkTraining;
import dev.phi4j.trainer.train.DeviceGradients;
import dev.phi4j.trainer.train.MetricsLog;
import dev.phi4j.trainer.train.SequenceData;
import dev.phi4j.trainer.train.StepDistribution;
import dev.phi4j.trainer.train.TextPacker;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code phi4j bench distributed}: the same run (model, data, token budget) trained in one process and in each
 * distributed mode on each Spark master given, side by side: tokens/s, seconds per step, the slowest worker's compute,
 * the seconds spent exchanging (gradient sharing: broadcasting the weights, collecting and summing the gradients;
 * averaging: broadcasting weights and moments, collecting and averaging the replicas, per step of a round), the
 * largest per-step loss difference from the single process and the last step's loss. From the measured compute and
 * exchange it projects the step time on N nodes, per mode.
 */
@Command(name = "distributed", mixinStandardHelpOptions = true, description = {
        "Data-parallel training throughput: one process vs gradient sharing and parameter averaging on Spark masters, "
                + "same run and data.",
        "Prints tokens/s, compute and exchange seconds per step, |Δloss| against one process, and a projection to N "
                + "nodes from the measured compute/communication ratio.",
        "Example: bin/phi4j bench distributed --steps 6",
        "         bin/phi4j bench distributed --spark local[2]=2 --spark spark://host:7077=4 --preset small --seq 128",
        "         bin/phi4j bench distributed --modes averaging --average-every 8"})
public final class DistributedBenchCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "tiny", description = "model preset (default: ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--vocab", defaultValue = "1024", description = "BPE vocabulary trained on the text, the model's "
            + "too (default: ${DEFAULT-VALUE})")
    int vocab;
    @Option(names = "--seq", defaultValue = "128", description = "context length (default: ${DEFAULT-VALUE})")
    int seq;
    @Option(names = "--micro-batch", defaultValue = "4", description = "sequences per micro-batch (default: "
            + "${DEFAULT-VALUE})")
    int microBatch;
    @Option(names = "--accumulation", defaultValue = "4", description = "micro-batches per step, split over the "
            + "workers (default: ${DEFAULT-VALUE})")
    int accumulation;
    @Option(names = "--steps", defaultValue = "6", description = "timed steps (default: ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup-steps", defaultValue = "2", description = "untimed steps first (default: "
            + "${DEFAULT-VALUE})")
    int warmupSteps;
    @Option(names = "--spark", paramLabel = "MASTER=WORKERS", description = "a Spark master and its worker count, "
            + "repeatable (default: local[1]=1 and local[2]=2)")
    List<String> masters = new ArrayList<>();
    @Option(names = "--modes", split = ",", paramLabel = "MODE", description = "trainer.distributed.mode(s) to run "
            + "on each master: gradients, averaging (default: both)")
    List<String> modeNames = new ArrayList<>(List.of("gradients", "averaging"));
    @Option(names = "--average-every", defaultValue = "4", description = "averaging mode: steps per round "
            + "(default: ${DEFAULT-VALUE})")
    int averageEvery;
    @Option(names = "--devices", defaultValue = "2", description = "also train with this many replicas in one "
            + "process (trainer.devices: a GPU each under -Pcuda, threads sharing the CPU otherwise); 1 leaves the row "
            + "out (default: ${DEFAULT-VALUE})")
    int devices;
    @Option(names = "--text", paramLabel = "FILE", description = "text to train on (default: the bundled sample books)")
    List<Path> text = new ArrayList<>();
    @Option(names = "--project-micro-batches", defaultValue = "64", description = "also project the scaling at this "
            + "many micro-batches per step (default: ${DEFAULT-VALUE})")
    int projectMicroBatches;
    @Option(names = "--work-dir", description = "where the runs go (default: a temporary directory)")
    Path workDir;

    private record Setting(String name, String master, int workers, TrainerConfig.DistributedConfig.Mode mode,
                           int devices) {}

    private record Measured(Setting setting, double tokensPerSecond, double stepSeconds, double computeSeconds,
                            double exchangeSeconds, double broadcastSeconds, double maxLossDelta, double lastLoss) {}

    @Override
    public Integer call() throws Exception {
        List<TrainerConfig.DistributedConfig.Mode> modes = new ArrayList<>();
        for (String name : modeNames) {
            try {
                modes.add(TrainerConfig.DistributedConfig.Mode.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--modes takes gradients and/or averaging, got " + name);
            }
        }
        List<Setting> settings = new ArrayList<>(List.of(new Setting("one process", null, 1, null, 1)));
        if (devices > 1) {
            settings.add(new Setting(devices + " replicas in process", null, devices, null, devices));
        }
        for (TrainerConfig.DistributedConfig.Mode mode : modes) {
            for (String master : masters.isEmpty() ? List.of("local[1]=1", "local[2]=2") : masters) {
                int eq = master.lastIndexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--spark takes MASTER=WORKERS, e.g. local[2]=2, got " + master);
                }
                String name = master.substring(0, eq) + (mode == TrainerConfig.DistributedConfig.Mode.GRADIENTS
                        ? " gradients" : " averaging");
                settings.add(new Setting(name, master.substring(0, eq), Integer.parseInt(master.substring(eq + 1)),
                        mode, 1));
            }
        }
        Path root = Path.of(System.getProperty("phi4j.root", ".")).toAbsolutePath();
        List<Path> files = text.isEmpty() ? List.of(root.resolve("datasets/sample/books/the-lighthouse-keepers-ledger"
                + ".txt"), root.resolve("datasets/sample/books/notes-on-counting.txt")) : text;
        Path dir = workDir != null ? workDir : Files.createTempDirectory("phi4j-bench-distributed-");

        BpeTokenizer tokenizer = new BpeTrainer(BpeTrainer.Settings.of(vocab)).train(files, done -> { });
        Path tokenizerFile = dir.resolve("tokenizer.bpe");
        Files.createDirectories(dir);
        tokenizer.save(tokenizerFile);
        ModelConfig base = new ModelPresets().find(preset);
        ModelConfig model = base.withVocabSize(tokenizer.vocabSize()).withContext(seq, base.ropeTheta());
        ShardSet shards = TextPacker.pack(files, TrainerConfig.DataConfig.DocumentSplit.BLANK_LINES, 0.05, tokenizer,
                seq, dir.resolve("data")).shards();
        // checkpoints at the end of the warm-up, so an averaging round never spans warm-up and timed steps
        String trainerJson = String.format(Locale.ROOT, "{\"max_steps\": %d, \"micro_batch_size\": %d, "
                        + "\"global_batch_tokens\": %d, \"schedule\": {\"warmup_steps\": 1}, \"eval\": "
                        + "{\"interval\": 0}, \"checkpoint\": {\"interval\": 1000000, \"milestones\": "
                        + "{\"warm\": %d}}, \"distributed\": {\"mode\": \"%%s\", \"workers\": %%d, "
                        + "\"average_every\": %d}, \"devices\": %%d}",
                warmupSteps + steps, microBatch, (long) microBatch * accumulation * seq, Math.max(1, warmupSteps),
                averageEvery);
        long tokensPerStep = (long) microBatch * accumulation * seq;
        System.out.printf(Locale.ROOT, "model %s: %,d parameters (vocab %,d, d_model %d, %d layers, context %d); %d "
                        + "micro-batches of %d × %d = %,d tokens per step; %d warm-up + %d timed steps; %d cores, "
                        + "OMP_NUM_THREADS=%s%n", preset, model.parameterCount(), model.vocabSize(), model.dModel(),
                model.nLayers(), seq, accumulation, microBatch, seq, tokensPerStep, warmupSteps, steps,
                Runtime.getRuntime().availableProcessors(), Optional.ofNullable(System.getenv("OMP_NUM_THREADS"))
                        .orElse("unset"));

        List<Measured> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<Double> reference = null;
        for (Setting setting : settings) {
            Path runDir = dir.resolve("run-" + results.size());
            String mode = setting.mode() == null ? "gradients" : setting.mode().name().toLowerCase(Locale.ROOT);
            TrainerConfig trainer = ConfigJson.fromJson(new ObjectMapper().readTree(String.format(Locale.ROOT,
                    trainerJson, mode, setting.workers(), setting.devices())), TrainerConfig.class, "bench");
            Trainer.Run run = new Trainer.Run(runDir, 42, model, tokenizer, new TokenizerConfig(
                    TokenizerConfig.Kind.BPE, Optional.of(tokenizerFile), tokenizer.vocabSize(), List.of()), trainer);
            Trainer training = Trainer.start(run, shards, TrainingProgress.SILENT);
            if (setting.master() != null) {
                training.distribute(SparkTraining.connect(setting.master(), run, shards.directory()));
            } else if (setting.devices() > 1) {
                training.distribute(new DeviceGradients(run, new SequenceData(shards), setting.devices()));
            }
            try {
                training.train();
            } catch (DistributedTrainingException e) {
                failures.add(setting.name() + ": " + e.getMessage());
                System.out.printf("  %-24s failed: %s%n", setting.name(), e.getMessage());
                continue;
            } finally {
                training.distribution().ifPresent(StepDistribution::close);
            }
            List<JsonNode> lines = new ArrayList<>();
            for (JsonNode line : MetricsLog.read(runDir.resolve(MetricsLog.FILE))) {
                if (line.path("event").asText().equals("step")) {
                    lines.add(line);
                }
            }
            List<Double> losses = lines.stream().map(l -> l.get("loss").asDouble()).toList();
            if (reference == null) {
                reference = losses;
            }
            double maxDelta = 0;
            for (int i = 0; i < losses.size(); i++) {
                maxDelta = Math.max(maxDelta, Math.abs(losses.get(i) - reference.get(i)));
            }
            List<JsonNode> timed = lines.subList(warmupSteps, lines.size());
            double stepSeconds = mean(timed, "step_s");
            results.add(new Measured(setting, tokensPerStep / stepSeconds, stepSeconds, mean(timed, "compute_s"),
                    mean(timed, "exchange_s"), mean(timed, "broadcast_s"), maxDelta, losses.get(losses.size() - 1)));
            System.out.printf(Locale.ROOT, "  %-24s done: %.3f s/step%n", setting.name(), stepSeconds);
        }

        System.out.printf("%n%-30s %7s %10s %8s %10s %11s %12s %10s %12s%n", "", "workers", "tokens/s", "s/step",
                "compute s", "exchange s", "broadcast s", "last loss", "|Δloss| max");
        for (Measured m : results) {
            boolean spark = m.setting().master() != null || m.setting().devices() > 1;
            System.out.printf(Locale.ROOT, "%-30s %7d %,10.0f %8.3f %10s %11s %12s %10.4f %12.2g%n",
                    m.setting().name(), m.setting().workers(), m.tokensPerSecond(), m.stepSeconds(),
                    spark ? String.format(Locale.ROOT, "%.3f", m.computeSeconds()) : "-",
                    spark ? String.format(Locale.ROOT, "%.3f", m.exchangeSeconds()) : "-",
                    Double.isNaN(m.broadcastSeconds()) ? "-" : String.format(Locale.ROOT, "%.4f", m.broadcastSeconds()),
                    m.lastLoss(),
                    m.maxLossDelta());
        }
        failures.forEach(failure -> System.out.println("failed, not in the table: " + failure));
        for (TrainerConfig.DistributedConfig.Mode mode : modes) {
            List<Measured> ofMode = new ArrayList<>(List.of(results.get(0)));
            results.stream().filter(m -> m.setting().mode() == mode).forEach(ofMode::add);
            projection(ofMode, model.parameterCount(), mode);
        }
        System.out.println("compute s: the slowest worker's (replica's) forward and backward (averaging: and its "
                + "AdamW) per step; exchange s: the rest of the step's distributed half (broadcast, task scheduling, "
                + "shipping and summing the gradients, or averaging the replicas' weights and moments once per round "
                + "of " + averageEvery + " steps); gradient sharing's AdamW on the driver is in s/step only. "
                + "Averaging is not the single-process run: its |Δloss| is how far it drifts. Runs under " + dir);
        return ExitCode.OK;
    }

    /**
     * Step time on N nodes, one worker each: a node computes its share of the micro-batches at the one-process rate
     * (c per micro-batch: the one-process step time less the driver's share, over the micro-batches; the Spark
     * workers on this machine share its cores, so their own compute time is no node's), the driver's share u (the
     * widest Spark setting's s/step − compute − exchange: AdamW, clipping, logging) and an exchange x(N) = a + b·N
     * fitted through the widest setting's exchange and an earlier one's on the same master with fewer workers (the
     * driver collects N gradients, so it grows with N; without such a pair, or when the fit falls, b is 0 and the
     * projection is optimistic). Projected at the benchmark's micro-batches per step and at {@code --project-micro-batches}.
     */
    private void projection(List<Measured> results, long parameters, TrainerConfig.DistributedConfig.Mode mode) {
        List<Measured> spark = results.stream().filter(m -> m.setting().master() != null).toList();
        if (spark.isEmpty()) {
            return;
        }
        Measured widest = spark.get(spark.size() - 1);
        double driver = Math.max(0, widest.stepSeconds() - widest.computeSeconds() - widest.exchangeSeconds());
        double single = results.get(0).stepSeconds();
        double perMicroBatch = Math.max(0, single - driver) / accumulation;
        double a = widest.exchangeSeconds();
        double b = 0;
        Optional<Measured> sameMaster = spark.stream().filter(m -> m.setting().master().equals(widest.setting()
                .master()) && m.setting().workers() < widest.setting().workers()).findFirst();
        if (sameMaster.isPresent()) {
            Measured narrow = sameMaster.get();
            int dn = widest.setting().workers() - narrow.setting().workers();
            b = Math.max(0, (widest.exchangeSeconds() - narrow.exchangeSeconds()) / dn);
            a = widest.exchangeSeconds() - b * widest.setting().workers();
        }
        boolean averaging = mode == TrainerConfig.DistributedConfig.Mode.AVERAGING;
        System.out.printf(Locale.ROOT, "%nprojection (exchange from %s): compute %.4f s per micro-batch (one process), "
                        + "driver %.4f s per step, exchange %.4f + %.4f·N s per step; %,d parameters = %.1f MB of fp32 "
                        + "%s per worker %s; compute/exchange at 2 nodes: %.2f%n", widest.setting().name(),
                perMicroBatch, driver, a, b, parameters, parameters * 4 / 1e6 * (averaging ? 3 : 1),
                averaging ? "weights and moments" : "gradient", averaging ? "per round of " + averageEvery + " steps"
                        : "per step",
                perMicroBatch * Math.ceil(accumulation / 2.0) / Math.max(1e-9, a + 2 * b));
        System.out.printf("%-16s %8s %12s %10s %10s %16s%n", "micro-batches", "nodes N", "micro/node", "s/step",
                "speed-up", "compute share");
        for (int microBatches : List.of(accumulation, Math.max(accumulation, projectMicroBatches)).stream().distinct()
                .toList()) {
            double one = microBatches * perMicroBatch + driver;
            for (int n : new int[] {1, 2, 4, 8, 16, 32, 64}) {
                if (n > microBatches) {
                    break;
                }
                int per = (microBatches + n - 1) / n;
                double compute = per * perMicroBatch;
                double step = n == 1 ? one : compute + driver + Math.max(0, a + b * n);
                System.out.printf(Locale.ROOT, "%-16d %8d %12d %10.3f %9.2fx %15.0f%%%n", microBatches, n, per, step,
                        one / step, 100 * compute / step);
            }
        }
        System.out.println("(a projection, not a measurement: N = 1 is one process; the speed-up stops where the "
                + "exchange and the driver's AdamW outweigh the compute left per node)");
    }

    private static double mean(List<JsonNode> lines, String field) {
        return lines.stream().mapToDouble(l -> l.path(field).asDouble(Double.NaN)).average().orElse(Double.NaN);
    }
}
