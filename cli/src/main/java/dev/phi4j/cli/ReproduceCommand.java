package dev.phi4j.cli;

import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.shard.ShardException;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.core.tokenizer.TokenizerStats;
import dev.phi4j.core.tokenizer.Tokenizers;
import dev.phi4j.trainer.train.TrainingAbortedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/**
 * The whole recipe from one config: the config is resolved and the tokenizer prepared, then the steps listed under
 * {@code reproduce.steps} run in order, a progress line each. Every step reuses what a finished earlier run left
 * (pipeline stages and mixture sets by identity, training from its LATEST checkpoint), so an interrupted run
 * continues where it stopped.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, description = {
        "Run the Phi-4 recipe end to end from a config: its tokenizer, then the steps it lists under reproduce.steps",
        "(e.g. data pipeline, mixture and report, pretraining, a sample). Re-running continues an interrupted run.",
        "Example: phi4j reproduce configs/tiny.yaml"})
final class ReproduceCommand implements Callable<Integer> {

    /** The lines before the listed steps: config and tokenizer. */
    private static final int PROLOGUE = 2;

    private static final String TOKENIZER = "tokenizer";

    @Mixin
    ConfigArgs args;

    @Override
    public Integer call() throws IOException {
        try {
            return reproduce();
        } catch (RecipeStep.Stopped e) {
            System.out.println(DETAIL + e.getMessage());
            return ExitCodes.FAILED;
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
        List<RecipeStep> steps = config.reproduce().steps();
        int total = PROLOGUE + steps.size();
        ModelConfig model = config.model();
        System.out.println(RecipeRun.line(1, total, "config", String.format(Locale.ROOT, "%s: model %s parameters "
                        + "(%d layers, d_model %d, context %d), resolved config in %s", args.file,
                Sizes.count(model.parameterCount()), model.nLayers(), model.dModel(), model.contextLength(),
                runDir.resolve("config.yaml"))));

        List<String> names = new ArrayList<>(List.of(TOKENIZER));
        steps.forEach(step -> names.add(step.name()));
        StepTimes times = StepTimes.in(runDir, names);
        long start = System.nanoTime();
        Tokenizer tokenizer = tokenizer(config.tokenizer(), total);
        times.record(TOKENIZER, (System.nanoTime() - start) / 1e9);
        RecipeRun recipe = new RecipeRun(args.file, config, tokenizer, total, times);
        try {
            for (int i = 0; i < steps.size(); i++) {
                recipe.run(PROLOGUE + 1 + i, steps.get(i));
            }
        } finally {
            recipe.close();
        }
        System.out.println(DETAIL + "done: wall time per step (" + runDir.resolve(StepTimes.FILE) + ")");
        System.out.print(times.table(DETAIL + "  "));
        return ExitCodes.OK;
    }

    private static Tokenizer tokenizer(TokenizerConfig tokenizerConfig, int total) throws IOException {
        boolean training = Tokenizers.needsTraining(tokenizerConfig);
        Tokenizer tokenizer = TrainCommand.tokenizer(tokenizerConfig, RecipeRun.label(2, total, TOKENIZER));
        if (training) {
            System.out.print(TokenizerStats.of(tokenizer, tokenizerConfig.trainFiles(), 5).render()
                    .indent(DETAIL.length()));
        }
        return tokenizer;
    }
}
