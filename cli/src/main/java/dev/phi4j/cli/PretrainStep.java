package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.shard.ShardSet;
import dev.phi4j.trainer.train.Trainer;
import dev.phi4j.trainer.train.TrainerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/**
 * Pretraining to {@code trainer.max_steps}, continuing from the run's LATEST checkpoint; a run that already reached
 * max_steps is reused as it is.
 */
@Variant("pretrain")
public record PretrainStep(
        @Doc("the mixture set trained on when a mixture step comes before this one; without one, pretraining reads "
                + "trainer.data") @Default("pretrain") String set) implements RecipeStep {

    /** A model trained to its last step: the checkpoint folder generation loads. */
    public record TrainedModel(Path checkpoint) {}

    @Override
    public Optional<Class<? extends Record>> makes() {
        return Optional.of(TrainedModel.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) throws IOException {
        Phi4jConfig config = recipe.config();
        TrainerConfig trainer = config.trainer();
        Optional<Path> finished = TrainingSession.finished(config.run().directory(), trainer.maxSteps());
        if (finished.isPresent()) {
            recipe.headline("reusing the finished run (step " + trainer.maxSteps() + "): " + finished.get());
            return Optional.of(new TrainedModel(finished.get()));
        }
        Trainer training = TrainingSession.open(config, recipe.tokenizer(), shards(recipe), true);
        recipe.headline(TrainingSession.describe(training, trainer) + ", " + trainer.maxSteps() + " steps");
        return Optional.of(new TrainedModel(TrainingSession.trainToEnd(training, trainer.maxSteps())));
    }

    /** The mixture step's set when there is one, else trainer.data. */
    private ShardSet shards(RecipeRun recipe) throws IOException {
        Optional<MixtureStep.MixtureSets> mixture = recipe.find(MixtureStep.MixtureSets.class);
        if (mixture.isPresent()) {
            Path shards = mixture.get().shards(set);
            System.out.println(DETAIL + "data       " + shards + " (mixture set " + set + ")");
            return ShardSet.open(shards);
        }
        Phi4jConfig config = recipe.config();
        return TrainCommand.data(config.trainer(), recipe.tokenizer(), config.model(), config.run().directory(),
                DETAIL + "data      ");
    }
}
