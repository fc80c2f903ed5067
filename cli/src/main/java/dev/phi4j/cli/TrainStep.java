package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A training phase after pretraining (midtraining, SFT, DPO) from its own config, starting from the model the step
 * before made: its run, model shape, data and objective are the phase config's, its {@code trainer.init_from} is that
 * model. Continues from the phase run's LATEST checkpoint; a run that reached max_steps is reused as it is.
 */
@Variant("train")
public record TrainStep(
        @Doc("the phase's config, e.g. configs/tiny-midtrain.yaml") Path config,
        @Doc("overrides of the phase's config, each KEY=VALUE as --set takes them (e.g. trainer.max_steps=100)")
        @Default("[]") List<String> set) implements RecipeStep {

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PretrainStep.TrainedModel.class);
    }

    @Override
    public Optional<Class<? extends Record>> makes() {
        return Optional.of(PretrainStep.TrainedModel.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) throws IOException {
        Path from = recipe.made(PretrainStep.TrainedModel.class).checkpoint();
        List<String> overrides = new ArrayList<>(set);
        overrides.add("trainer.init_from=" + TrainCommand.yamlString(from.toString()));
        ConfigLoader.Loaded<Phi4jConfig> loaded = Phi4jConfig.load(config, overrides);
        Phi4jConfig phase = loaded.config();
        if (!phase.tokenizer().equals(recipe.config().tokenizer())) {
            throw new IllegalArgumentException(config + ": tokenizer: the phase names another tokenizer than the "
                    + "recipe's (" + recipe.configFile() + "), but its data is encoded with the recipe's");
        }
        TrainerConfig trainer = phase.trainer();
        Path runDir = phase.run().directory();
        Optional<Path> finished = TrainingSession.finished(runDir, trainer.maxSteps());
        if (finished.isPresent()) {
            recipe.headline(config + ": reusing the finished run (step " + trainer.maxSteps() + "): "
                    + finished.get());
            return Optional.of(new PretrainStep.TrainedModel(finished.get()));
        }
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("config.yaml"), loaded.toYaml(true));
        Trainer training = TrainingSession.open(phase, recipe.tokenizer(), TrainCommand.data(trainer,
                recipe.tokenizer(), phase.model(), runDir, RecipeRun.DETAIL + "data      "), true);
        recipe.headline(config + ": " + TrainingSession.describe(training, trainer) + ", " + trainer.maxSteps()
                + " steps");
        return Optional.of(new PretrainStep.TrainedModel(TrainingSession.trainToEnd(training, trainer.maxSteps())));
    }
}
