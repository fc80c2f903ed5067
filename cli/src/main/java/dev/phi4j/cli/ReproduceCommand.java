package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardException;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.core.tokenizer.TokenizerStats;
import dev.phi4j.core.tokenizer.Tokenizers;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.PipelineConfig;
import dev.phi4j.pipeline.PipelineSpark;
import dev.phi4j.pipeline.mixture.MixtureBuild;
import dev.phi4j.pipeline.mixture.MixtureConfig;
import dev.phi4j.pipeline.report.InspectionReport;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.generate.Completion;
import dev.phi4j.trainer.generate.DecodeLoop;
import dev.phi4j.trainer.generate.Generator;
import dev.phi4j.trainer.generate.InferenceModel;
import dev.phi4j.trainer.generate.SamplingParams;
import dev.phi4j.trainer.train.Checkpoint;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;
import dev.phi4j.trainer.train.TrainingAbortedException;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The whole recipe from one config, stage by stage with a progress line each: tokenizer, data pipeline, mixture
 * shards and their inspection report, pretraining, a sample from the trained model. Every stage reuses what a
 * finished earlier run left (pipeline stages and mixture sets by identity, training from its LATEST checkpoint), so
 * an interrupted run continues where it stopped.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, description = {
        "Run the Phi-4 recipe end to end from a config: tokenizer, data pipeline, mixture and report, pretraining,",
        "a sample from the trained checkpoint. Re-running continues an interrupted run.",
        "Example: phi4j reproduce configs/tiny.yaml"})
final class ReproduceCommand implements Callable<Integer> {

    private static final int STAGES = 7;
    private static final String DETAIL = "      ";

    @Mixin
    ConfigArgs args;

    @Override
    public Integer call() throws IOException {
        try {
            return reproduce();
        } catch (TrainingAbortedException | ShardException e) {
            System.err.println("phi4j reproduce: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    private int reproduce() throws IOException {
        ConfigLoader.Loaded<Phi4jConfig> loaded = args.load();
        Phi4jConfig config = loaded.config();
        Path runDir = config.run().directory();
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.yaml"), loaded.toYaml(true));
        ModelConfig model = config.model();
        stage(1, "config", String.format(Locale.ROOT, "%s: model %s parameters (%d layers, d_model %d, context %d), "
                        + "resolved config in %s", args.file, Sizes.count(model.parameterCount()), model.nLayers(),
                model.dModel(), model.contextLength(), runDir.resolve("config.yaml")));

        Tokenizer tokenizer = tokenizer(config.tokenizer());
        ReproduceConfig reproduce = config.reproduce();
        ShardSet shards = reproduce.pipeline().isPresent() ? dataStages(config, reproduce)
                : skipDataStages(config, tokenizer);
        Optional<Path> checkpoint = pretrain(config, tokenizer, shards);
        if (checkpoint.isEmpty()) {
            System.out.println("      stopped before trainer.max_steps; run the same command again to continue");
            return ExitCodes.FAILED;
        }
        sample(checkpoint.get(), reproduce.sample(), config.run().seed());
        return ExitCodes.OK;
    }

    private static void stage(int index, String name, String line) {
        System.out.printf("[%d/%d] %-10s %s%n", index, STAGES, name, line);
    }

    private static Tokenizer tokenizer(TokenizerConfig tokenizerConfig) throws IOException {
        boolean training = Tokenizers.needsTraining(tokenizerConfig);
        Tokenizer tokenizer = TrainCommand.tokenizer(tokenizerConfig, String.format("[2/%d] tokenizer ", STAGES));
        if (training) {
            System.out.print(TokenizerStats.of(tokenizer, tokenizerConfig.trainFiles(), 5).render()
                    .indent(DETAIL.length()));
        }
        return tokenizer;
    }

    /** Pipeline, mixture and report; returns the pretraining set's shards. */
    private ShardSet dataStages(Phi4jConfig config, ReproduceConfig reproduce) throws IOException {
        Path pipelineFile = reproduce.pipeline().orElseThrow();
        Path mixtureFile = reproduce.mixture().orElseThrow(() -> new IllegalArgumentException(args.file
                + ": reproduce.mixture is empty; with reproduce.pipeline set it names the mixture config that packs "
                + "the pipeline run into shards"));

        ConfigLoader.Loaded<PipelineConfig> pipelineConfig = PipelineConfig.load(pipelineFile, List.of());
        Pipeline pipeline = Pipeline.of(pipelineConfig.config(), IndentedOutput.of(System.out, DETAIL));
        String pipelineRoot = pipeline.layout().root().toString();
        stage(3, "pipeline", pipelineFile + ": " + pipelineConfig.config().stages().size() + " stage(s) into "
                + pipelineRoot);
        long start = System.nanoTime();
        List<Pipeline.Outcome> outcomes = PipelineSpark.withSession(pipelineConfig.config().spark(),
                spark -> pipeline.run(spark, "# resolved from " + pipelineFile + "\n" + pipelineConfig.toYaml(true)));
        if (!outcomes.stream().allMatch(o -> o.manifest().invariant().holds())) {
            throw new IllegalStateException(pipelineRoot + ": a stage's accounting is broken (in != kept + dropped); "
                    + "see phi4j pipeline status " + pipelineRoot);
        }
        long reused = outcomes.stream().filter(Pipeline.Outcome::reused).count();
        Pipeline.Outcome last = outcomes.get(outcomes.size() - 1);
        System.out.printf(Locale.ROOT, "%sdone in %.1f s%s: %,d records in, %,d kept; every record accounted for%n",
                DETAIL, (System.nanoTime() - start) / 1e9, reused == 0 ? "" : " (" + reused + " stage(s) reused)",
                outcomes.get(0).manifest().counts().in(), last.manifest().counts().kept());

        List<String> overrides = new ArrayList<>(List.of("input=" + TrainCommand.yamlString(pipelineRoot)));
        ConfigLoader.Loaded<MixtureConfig> mixtureConfig = MixtureConfig.load(mixtureFile, overrides);
        if (!mixtureConfig.config().tokenizer().equals(config.tokenizer())) {
            throw new IllegalArgumentException(mixtureFile + ": its tokenizer section differs from " + args.file
                    + "'s; the shards must be tokenized by the model's tokenizer");
        }
        MixtureBuild build = new MixtureBuild(mixtureConfig.config(), IndentedOutput.of(System.out, DETAIL));
        stage(4, "mixture", mixtureFile + ": " + mixtureConfig.config().sets().size() + " set(s) into "
                + build.mixturesDir());
        start = System.nanoTime();
        List<MixtureBuild.Outcome> sets = PipelineSpark.withSession(mixtureConfig.config().spark(), build::run);
        String pretrainSet = reproduce.pretrainSet();
        MixtureBuild.Outcome pretrain = sets.stream().filter(o -> o.manifest().name().equals(pretrainSet)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(mixtureFile + ": no set named '" + pretrainSet
                        + "' (reproduce.pretrain_set); it builds " + sets.stream().map(o -> o.manifest().name()).toList()));
        Path shardDir = localPath(new org.apache.hadoop.fs.Path(pretrain.dir(), MixtureBuild.SHARDS));
        ShardSet shards = ShardSet.open(shardDir);
        System.out.printf(Locale.ROOT, "%sdone in %.1f s; pretraining reads %s%n", DETAIL,
                (System.nanoTime() - start) / 1e9, shardDir);

        org.apache.hadoop.fs.Path root = pipeline.layout().root();
        List<org.apache.hadoop.fs.Path> outsideRun = build.mixturesDir().getParent().equals(root) ? List.of()
                : List.of(build.mixturesDir());
        InspectionReport.Written report = InspectionReport.write(root, outsideRun,
                new org.apache.hadoop.fs.Path(root, "report.html"), new org.apache.hadoop.fs.Path(root, "report.json"),
                new Configuration());
        stage(5, "report", String.format(Locale.ROOT, "%d section(s), %d browsable record(s) -> %s", report.sections(),
                report.records(), report.html()));
        return shards;
    }

    private ShardSet skipDataStages(Phi4jConfig config, Tokenizer tokenizer) throws IOException {
        stage(3, "pipeline", "skipped: reproduce.pipeline is empty");
        stage(4, "mixture", "skipped; pretraining reads trainer.data");
        stage(5, "report", "skipped: no pipeline run");
        return TrainCommand.data(config.trainer(), tokenizer, config.model(), config.run().directory(),
                DETAIL + "data      ");
    }

    /**
     * Trains to trainer.max_steps, continuing from the run's LATEST checkpoint; returns the final checkpoint, or
     * nothing when stopped early (Ctrl-C).
     */
    private static Optional<Path> pretrain(Phi4jConfig config, Tokenizer tokenizer, ShardSet shards) throws IOException {
        TrainerConfig trainer = config.trainer();
        Optional<Path> latest = CheckpointFolders.latest(
                config.run().directory().resolve(CheckpointFolders.DIRECTORY));
        if (latest.isPresent() && Checkpoint.step(latest.get()) >= trainer.maxSteps()) {
            stage(6, "pretrain", "reusing the finished run (step " + trainer.maxSteps() + "): " + latest.get());
            return latest;
        }
        Trainer training = TrainingSession.open(config, tokenizer, shards, true);
        stage(6, "pretrain", TrainingSession.describe(training, trainer) + ", " + trainer.maxSteps() + " steps");
        Trainer.Summary summary = TrainingSession.run(training, trainer.maxSteps());
        TrainingSession.printSummary(summary, trainer.maxSteps());
        return summary.step() < trainer.maxSteps() ? Optional.empty() : Optional.of(summary.checkpoint());
    }

    private static void sample(Path checkpoint, ReproduceConfig.SampleConfig sample, long seed) {
        InferenceModel loaded = InferenceModel.load(checkpoint, true);
        Tokenizer tokenizer = loaded.tokenizer();
        SamplingParams params = SamplingParams.builder().maxNewTokens(sample.maxTokens())
                .temperature(sample.temperature()).seed(seed).build();
        Generator generator = new Generator(loaded.model(), tokenizer, new DecodeLoop.Limits(1, 4096));
        long start = System.nanoTime();
        Completion completion = generator.generate(tokenizer.encode(sample.prompt()), params);
        stage(7, "sample", String.format(Locale.ROOT, "%d tokens in %.2f s from %s (temperature %s, seed %d):",
                completion.tokens().length, (System.nanoTime() - start) / 1e9, checkpoint, sample.temperature(), seed));
        System.out.println((sample.prompt() + completion.text()).indent(DETAIL.length()).stripTrailing());
        System.out.println(DETAIL + "more: bin/phi4j generate --checkpoint " + checkpoint + " --prompt '...'"
                + "   serve: bin/phi4j serve --checkpoint " + checkpoint);
    }


    /** The trainer reads shards from the local file system; a Hadoop URI elsewhere cannot be trained on here. */
    private static Path localPath(org.apache.hadoop.fs.Path path) {
        URI uri = path.toUri();
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
            throw new IllegalArgumentException(path + ": the trainer reads shards from a local path; set the mixture's "
                    + "output_dir to one");
        }
        return Path.of(uri.getPath());
    }
}
