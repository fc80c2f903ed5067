package dev.phi4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.io.AtomicFiles;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardException;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.pipeline.PipelineSpark;
import dev.phi4j.pipeline.mixture.EpochCaps;
import dev.phi4j.pipeline.mixture.GroupShares;
import dev.phi4j.pipeline.mixture.MixtureBuild;
import dev.phi4j.pipeline.mixture.MixtureConfig;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.checkpoint.ModelCheckpoint;
import dev.phi4j.trainer.model.PhiDecoder;
import dev.phi4j.trainer.train.MicroBatches;
import dev.phi4j.trainer.train.NextTokenCrossEntropy;
import dev.phi4j.trainer.train.Objective;
import dev.phi4j.trainer.train.SequenceData;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingAbortedException;
import dev.phi4j.trainer.train.TrainingProgress;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/**
 * {@code phi4j experiment CONFIG}: a sweep of data-mixture variants × seeds (the report's Figure 2 and Table 3
 * questions at small scale). The pipeline runs (or is reused), one mixture build writes every variant's training set
 * and one evaluation set per group (the same held-out documents for every variant), each variant trains once per seed
 * from the base run config, and every run is scored by held-out loss per group. Under {@code output_dir/NAME}:
 * {@code mixture.yaml}, {@code mixtures/}, {@code runs/VARIANT-sSEED/} (checkpoints, metrics, result.json),
 * {@code results.json}, {@code results.md} (the table, also printed) and {@code results.svg}. Re-running reuses every
 * finished run and continues a partial one.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = {
        "Run a sweep: each variant's data mixture trained once per seed under one",
        "token budget, scored by held-out loss on the same held-out documents of",
        "each group. Writes results.md (mean ± std, min–max over seeds),",
        "results.svg and results.json under runs/experiments/NAME.",
        "Re-running reuses finished runs and continues a partial one.",
        "Examples: bin/phi4j experiment configs/experiments/table3.yaml",
        "          bin/phi4j experiment configs/experiments/figure2.yaml \\",
        "              --set seeds=[1,2]"})
final class ExperimentCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "CONFIG", description = "experiment config, e.g. configs/experiments/table3.yaml")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override one key of the experiment config, e.g. --set seeds=[1,2] (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        try {
            return run();
        } catch (RecipeStep.Stopped e) {
            System.out.println(DETAIL + e.getMessage());
            return ExitCodes.FAILED;
        } catch (TrainingAbortedException | ShardException e) {
            System.err.println("phi4j experiment: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** One run of the sweep. */
    private record Planned(ExperimentConfig.ExperimentVariant variant, long seed) {
        String name() {
            return variant.name() + "-s" + seed;
        }
    }

    private int run() throws IOException {
        long started = System.nanoTime();
        ConfigLoader.Loaded<ExperimentConfig> loaded = ExperimentConfig.load(file, overrides);
        ExperimentConfig experiment = loaded.config();
        ConfigLoader.Loaded<Phi4jConfig> baseLoaded = Phi4jConfig.load(experiment.base(), experiment.set());
        Phi4jConfig base = baseLoaded.config();
        for (ExperimentConfig.ExperimentVariant variant : experiment.variants()) {      // bad overrides fail now
            List<String> all = new ArrayList<>(experiment.set());
            all.addAll(variant.set());
            try {
                Phi4jConfig.load(experiment.base(), all);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": variant " + variant.name() + ": " + e.getMessage(), e);
            }
        }
        Path dir = experiment.directory();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("experiment.yaml"), loaded.toYaml(true));
        List<Planned> runs = new ArrayList<>();
        for (ExperimentConfig.ExperimentVariant variant : experiment.variants()) {
            for (long seed : experiment.seeds()) {
                runs.add(new Planned(variant, seed));
            }
        }
        int prologue = experiment.pipeline().isPresent() ? 4 : 3;          // config, tokenizer, [pipeline,] mixture
        int total = prologue + runs.size() + 1;

        System.out.println(RecipeRun.line(1, total, "config", String.format(Locale.ROOT, "%s: %d variant(s) × %d "
                        + "seed(s) = %d runs of %s (model %s parameters, %,d steps of %,d tokens) -> %s", file,
                experiment.variants().size(), experiment.seeds().size(), runs.size(), experiment.base(),
                Sizes.count(base.model().parameterCount()), base.trainer().maxSteps(),
                base.trainer().globalBatchTokens(), dir)));
        Tokenizer tokenizer = TrainCommand.tokenizer(base.tokenizer(), RecipeRun.label(2, total, "tokenizer"));
        RecipeRun recipe = new RecipeRun(file, base, tokenizer, total, StepTimes.in(dir, List.of("tokenizer", "pipeline")));
        if (experiment.pipeline().isPresent()) {
            recipe.run(3, new PipelineStep(experiment.pipeline().get()));
        }

        long budget = experiment.budget() > 0 ? experiment.budget()
                : base.trainer().maxSteps() * base.trainer().globalBatchTokens();
        Path mixtureFile = dir.resolve("mixture.yaml");
        Files.writeString(mixtureFile, mixtureYaml(experiment, base, budget));
        MixtureConfig built = MixtureConfig.withTokenizer(MixtureConfig.load(mixtureFile, List.of()),
                base.tokenizer(), experiment.base());
        MixtureConfig mixture = new MixtureConfig(built.inputs(), built.outputDir(), built.tokenizer(),
                experiment.spark(), built.seed(), built.profile(), built.sets());
        MixtureBuild build = new MixtureBuild(mixture, IndentedOutput.of(System.out, DETAIL + "  "));
        System.out.println(RecipeRun.line(prologue, total, "mixture", String.format(Locale.ROOT, "%d variant set(s) "
                        + "of %,d tokens and %d evaluation set(s) from %s into %s", experiment.variants().size(),
                budget, experiment.eval().groups().size(), experiment.data(), build.mixturesDir())));
        long mixtureStart = System.nanoTime();
        List<MixtureBuild.Outcome> outcomes = PipelineSpark.withSession(mixture.spark(), build::run);
        Map<String, Path> sets = new LinkedHashMap<>();
        Map<String, String> mixtures = new LinkedHashMap<>();
        for (MixtureBuild.Outcome outcome : outcomes) {
            sets.put(outcome.manifest().name(), Path.of(new org.apache.hadoop.fs.Path(outcome.dir(),
                    MixtureBuild.SHARDS).toUri().getPath()));
            mixtures.put(outcome.manifest().name(), describe(outcome));
        }
        System.out.printf(Locale.ROOT, "%sdone in %.1f s%n", DETAIL, (System.nanoTime() - mixtureStart) / 1e9);
        for (ExperimentConfig.ExperimentVariant variant : experiment.variants()) {
            System.out.println(DETAIL + variant.name() + ": " + mixtures.get(variant.name()));
        }

        Map<String, ShardSet> evalSets = new LinkedHashMap<>();
        StringBuilder evalFingerprint = new StringBuilder("batches " + experiment.eval().batches());
        for (String group : experiment.eval().groups()) {
            ShardSet shards = ShardSet.open(sets.get(ExperimentConfig.ExperimentEval.setName(group)));
            if (!shards.hasSplit(ShardNames.VALIDATION)) {
                throw new IllegalArgumentException(experiment.data() + ": no held-out " + group + " documents to "
                        + "evaluate on; remove " + group + " from eval.groups or raise validation_fraction");
            }
            evalSets.put(group, shards);
            evalFingerprint.append('\n').append(group).append(' ').append(fingerprint(shards));
        }

        Map<String, Map<Long, Map<String, Double>>> scores = new LinkedHashMap<>();
        List<Map<String, Object>> runResults = new ArrayList<>();
        double trainedSeconds = 0;
        int trained = 0;
        for (int i = 0; i < runs.size(); i++) {
            Planned planned = runs.get(i);
            int remaining = runs.size() - i;
            String eta = trained == 0 ? "" : ", ETA " + duration(trainedSeconds / trained * remaining);
            long runStart = System.nanoTime();
            RunOutcome outcome = runOne(experiment, planned, sets.get(planned.variant().name()), evalSets,
                    evalFingerprint.toString(), tokenizer, dir,
                    String.format(Locale.ROOT, "%s seed %d (%d of %d%s)", planned.variant().name(), planned.seed(),
                            i + 1, runs.size(), eta), RecipeRun.label(prologue + 1 + i, total, "run"));
            if (!outcome.reused()) {
                trainedSeconds += (System.nanoTime() - runStart) / 1e9;
                trained++;
            }
            scores.computeIfAbsent(planned.variant().name(), v -> new TreeMap<>()).put(planned.seed(),
                    outcome.metrics());
            runResults.add(outcome.result());
        }

        List<String> metrics = experiment.eval().metrics();
        List<ExperimentReport.VariantScores> variants = experiment.variants().stream().map(v ->
                new ExperimentReport.VariantScores(v.name(), v.description(), mixtures.get(v.name()),
                        scores.get(v.name()))).toList();
        String title = "Experiment " + experiment.name();
        String notes = String.format(Locale.ROOT, "`%s`: %d variant(s) × seeds %s, each run %s from `%s` "
                        + "(model %s parameters, %,d steps × %,d tokens), every variant's mixture %,d tokens of `%s`. "
                        + "Evaluation: the held-out documents (%.0f%% of each group, the same for every variant; "
                        + "none trains) of %s, at most %d micro-batches each.", file, experiment.variants().size(),
                experiment.seeds(), "trained", experiment.base(), Sizes.count(base.model().parameterCount()),
                base.trainer().maxSteps(), base.trainer().globalBatchTokens(), budget, experiment.data(),
                100 * experiment.validationFraction(), String.join(", ", experiment.eval().groups()),
                experiment.eval().batches());
        String markdown = ExperimentReport.markdown(title, metrics, variants, notes);
        AtomicFiles.writeString(dir.resolve("results.md"), markdown);
        AtomicFiles.writeString(dir.resolve("results.svg"), ExperimentReport.svg(title, metrics, variants));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("experiment", experiment.name());
        summary.put("config", file.toString());
        summary.put("budget_tokens", budget);
        summary.put("metrics", metrics);
        List<Map<String, Object>> variantRows = new ArrayList<>();
        for (ExperimentReport.VariantScores v : variants) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", v.name());
            row.put("mixture", v.mixture());
            Map<String, Object> stats = new LinkedHashMap<>();
            for (String metric : metrics) {
                ExperimentStats s = v.stats(metric);
                stats.put(metric, Map.of("n", s.n(), "mean", s.mean(), "std", s.std(), "min", s.min(), "max",
                        s.max()));
            }
            row.put("stats", stats);
            variantRows.add(row);
        }
        summary.put("variants", variantRows);
        summary.put("runs", runResults);
        summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
        AtomicFiles.writeString(dir.resolve("results.json"), JSON.writeValueAsString(summary) + "\n");
        System.out.println(RecipeRun.line(total, total, "report", dir.resolve("results.md") + ", "
                + dir.resolve("results.svg") + ", " + dir.resolve("results.json") + String.format(Locale.ROOT,
                " (%.0f s in all)", (System.nanoTime() - started) / 1e9)));
        System.out.print(ExperimentReport.text(metrics, variants).indent(DETAIL.length()));
        return ExitCodes.OK;
    }

    private record RunOutcome(Map<String, Double> metrics, Map<String, Object> result, boolean reused) {}

    private RunOutcome runOne(ExperimentConfig experiment, Planned planned, Path shardsDir,
                              Map<String, ShardSet> evalSets, String evalFingerprint, Tokenizer tokenizer, Path dir,
                              String what, String label) throws IOException {
        List<String> set = new ArrayList<>(experiment.set());
        set.addAll(planned.variant().set());
        set.add("run.output_dir=" + TrainCommand.yamlString(dir.resolve("runs").toString()));
        set.add("run.name=" + planned.name());
        set.add("run.seed=" + planned.seed());
        set.add("trainer.data.shards=" + TrainCommand.yamlString(shardsDir.toString()));
        ConfigLoader.Loaded<Phi4jConfig> loaded = Phi4jConfig.load(experiment.base(), set);
        Phi4jConfig config = loaded.config();
        TrainerConfig trainer = config.trainer();
        Path runDir = config.run().directory();
        ShardSet shards = ShardSet.open(shardsDir);
        String identity = Sha256.tagged(loaded.toYaml(false) + "\ntrain " + fingerprint(shards) + "\n"
                + evalFingerprint);
        ExperimentRuns.Action action = ExperimentRuns.decide(runDir, identity, trainer.maxSteps());
        if (action == ExperimentRuns.Action.REUSE) {
            JsonNode result = JSON.readTree(runDir.resolve(ExperimentRuns.RESULT).toFile());
            Map<String, Double> metrics = new LinkedHashMap<>();
            result.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            System.out.println(label + " " + what + ": reused " + runDir.resolve(ExperimentRuns.RESULT) + ": "
                    + brief(metrics));
            @SuppressWarnings("unchecked")
            Map<String, Object> asMap = JSON.convertValue(result, Map.class);
            return new RunOutcome(metrics, asMap, true);
        }
        System.out.println(label + " " + what + ": " + (action == ExperimentRuns.Action.EVALUATE
                ? "trained earlier, scoring" : action == ExperimentRuns.Action.RESTART
                ? "config or data changed since the last run: training anew" : "training") + " -> " + runDir);
        long start = System.nanoTime();
        ComputationGraph net;
        double trainLoss = Double.NaN;
        double tokensPerSecond = Double.NaN;
        if (action == ExperimentRuns.Action.EVALUATE) {
            net = ModelCheckpoint.load(CheckpointFolders.latest(runDir.resolve(CheckpointFolders.DIRECTORY))
                    .orElseThrow()).net();
            trainLoss = lastTrainLoss(runDir.resolve("metrics.jsonl"));
        } else {
            ExperimentRuns.claim(runDir, identity, action == ExperimentRuns.Action.RESTART);
            Files.writeString(runDir.resolve("config.yaml"), loaded.toYaml(true));
            Trainer.Run run = new Trainer.Run(runDir, config.run().seed(), config.model(), tokenizer,
                    config.tokenizer(), trainer);
            boolean terminal = System.console() != null;
            TrainingProgress progress = terminal ? new TrainProgressBar(System.out, true) : new TrainingProgress() {
                @Override
                public void note(String message) {
                    System.out.println(DETAIL + "warning: " + message);
                }
            };
            Trainer training = Trainer.resume(run, new SequenceData(shards), progress);
            Trainer.Summary summary = TrainingSession.run(training, trainer.maxSteps());
            if (summary.step() < trainer.maxSteps()) {
                throw new RecipeStep.Stopped("stopped at step " + summary.step() + " of " + runDir + "; run the same "
                        + "command again to continue");
            }
            net = training.network();
            trainLoss = summary.loss();
            tokensPerSecond = summary.tokensPerSecond();
        }
        Map<String, Double> metrics = evaluate(net, evalSets, Trainer.masking(trainer), trainer.microBatchSize(),
                experiment.eval().batches(), config.model().contextLength());
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("variant", planned.variant().name());
        result.put("seed", planned.seed());
        result.put("run", runDir.toString());
        result.put("identity", identity);
        result.put("steps", trainer.maxSteps());
        result.put("tokens", trainer.maxSteps() * trainer.globalBatchTokens());
        result.put("final_train_loss", trainLoss);
        result.put("tokens_per_second", tokensPerSecond);
        result.put("seconds", seconds);
        result.put("metrics", metrics);
        AtomicFiles.writeString(runDir.resolve(ExperimentRuns.RESULT), JSON.writeValueAsString(result) + "\n");
        System.out.printf(Locale.ROOT, "%sdone in %.0f s: train loss %.3f; held-out %s%n", DETAIL, seconds,
                trainLoss, brief(metrics));
        return new RunOutcome(metrics, result, false);
    }

    /** Held-out loss (mean nats per target token) on each group's validation split, then the mean over groups. */
    static Map<String, Double> evaluate(ComputationGraph net, Map<String, ShardSet> evalSets,
                                        PhiDecoder.Masking masking, int microBatch, int batches, int contextLength) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        double sum = 0;
        Objective objective = new NextTokenCrossEntropy(net);
        for (Map.Entry<String, ShardSet> group : evalSets.entrySet()) {
            // the validation split only: an evaluation set's train split is a placeholder and may be empty
            ShardSet.Split validation = group.getValue().split(ShardNames.VALIDATION);
            Objective.Sum total = Objective.Sum.ZERO;
            for (long from = 0; from < validation.size() && from < (long) batches * microBatch; from += microBatch) {
                List<TokenRow> rows = new ArrayList<>();
                for (long i = from; i < Math.min(from + microBatch, validation.size()); i++) {
                    rows.add(validation.get(i));
                }
                total = total.plus(objective.evaluate(MicroBatches.of(rows, contextLength, masking)));
            }
            double loss = total.loss() / total.targets();
            metrics.put("loss/" + group.getKey(), loss);
            sum += loss;
        }
        metrics.put("loss/mean", sum / evalSets.size());
        return metrics;
    }

    /** The mixture YAML the experiment builds: a pretrain set per variant and one per evaluated group. */
    static String mixtureYaml(ExperimentConfig experiment, Phi4jConfig base, long budget) {
        int seqLen = base.model().contextLength();
        StringBuilder yaml = new StringBuilder("# written by phi4j experiment from " + experiment.name()
                + ": one set per variant, one evaluation set per group\n");
        yaml.append("inputs: {default: ").append(TrainCommand.yamlString(experiment.data())).append("}\n");
        yaml.append("output_dir: ").append(TrainCommand.yamlString(experiment.directory().resolve("mixtures")
                .toString())).append('\n');
        yaml.append("seed: ").append(experiment.mixtureSeed()).append('\n');
        yaml.append("# spark: the experiment's spark section\n");
        yaml.append("sets:\n");
        for (ExperimentConfig.ExperimentVariant variant : experiment.variants()) {
            appendSet(yaml, variant.name(), seqLen, budget, variant.shares(), variant.maxEpochs(),
                    experiment.validationFraction(), 2);
        }
        for (String group : experiment.eval().groups()) {
            double[] share = new double[5];
            share[index(group)] = 1;
            // the train split is a token-sized placeholder (a set needs one); its validation split is every held-out
            // document of the group, the same documents every variant holds out
            appendSet(yaml, ExperimentConfig.ExperimentEval.setName(group), seqLen, 4L * (seqLen + 1),
                    new GroupShares(share[0], share[1], share[2], share[3], share[4]), EpochCaps.uniform(16),
                    experiment.validationFraction(), 1);
        }
        return yaml.toString();
    }

    private static final List<String> GROUPS = List.of("web", "web_rewrites", "synthetic", "code", "acquired");

    private static int index(String group) {
        return GROUPS.indexOf(group);
    }

    private static void appendSet(StringBuilder yaml, String name, int seqLen, long tokens, GroupShares shares,
                                  EpochCaps caps, double validationFraction, int minShards) {
        yaml.append(String.format(Locale.ROOT, "  - kind: pretrain\n    name: %s\n    seq_len: %d\n    total_tokens: %d\n"
                        + "    shares: {web: %s, web_rewrites: %s, synthetic: %s, code: %s, acquired: %s}\n"
                        + "    max_epochs: {web: %s, web_rewrites: %s, synthetic: %s, code: %s, acquired: %s}\n"
                        + "    validation_fraction: %s\n    min_shards: %d\n    sequence_index: false\n", name, seqLen,
                tokens, shares.web(), shares.webRewrites(), shares.synthetic(), shares.code(), shares.acquired(),
                caps.web(), caps.webRewrites(), caps.synthetic(), caps.code(), caps.acquired(), validationFraction,
                minShards));
    }

    /** "web 75.0% (0.93 epochs), synthetic 25.0% (4.00 epochs)" from a set's manifest. */
    private static String describe(MixtureBuild.Outcome outcome) {
        JsonNode table = outcome.manifest().sections().get("mixture.table");
        if (table == null) {
            return "(no mixture table)";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode bucket : table.path("buckets")) {
            if (bucket.path("written_tokens").asLong() > 0) {
                parts.add(String.format(Locale.ROOT, "%s %.1f%% (%.2f epochs of %,d unique tokens)",
                        bucket.path("group").asText(), 100 * bucket.path("realized_share").asDouble(),
                        bucket.path("realized_epochs").asDouble(), bucket.path("unique_tokens").asLong()));
            }
        }
        return String.join(", ", parts);
    }

    /** The loss of the last step event in a run's metrics.jsonl; NaN when there is none. */
    private static double lastTrainLoss(Path metrics) throws IOException {
        double loss = Double.NaN;
        if (Files.isRegularFile(metrics)) {
            for (String line : Files.readAllLines(metrics)) {
                JsonNode event = JSON.readTree(line);
                if ("step".equals(event.path("event").asText())) {
                    loss = event.path("loss").asDouble(Double.NaN);
                }
            }
        }
        return loss;
    }

    private static String fingerprint(ShardSet shards) throws IOException {
        return Sha256.tagged(Files.readAllBytes(shards.directory().resolve(ShardManifest.FILE_NAME)));
    }

    private static String brief(Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        metrics.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.3f", k.replace("loss/", ""), v)));
        return "loss " + String.join(", ", parts);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + " s";
    }
}
