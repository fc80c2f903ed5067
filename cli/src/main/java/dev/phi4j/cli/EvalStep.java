package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code phi4j eval} on every model the training steps made, in order (pretrain → midtrain → SFT → DPO): each
 * run's {@code eval/} folder, and the comparison table in the last run's report.md.
 */
@Variant("eval")
public record EvalStep(
        @Doc("the arguments phi4j eval takes besides --checkpoint, e.g. [--tasks, 'ppl,mc,math', --limit, '50']")
        @Default("[]") List<String> args) implements RecipeStep {

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PretrainStep.TrainedModel.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) {
        List<Path> models = recipe.all(PretrainStep.TrainedModel.class).stream()
                .map(PretrainStep.TrainedModel::checkpoint).toList();
        recipe.headline(models.size() + " model(s): " + String.join(" → ", models.stream().map(m ->
                m.getParent().getParent().getFileName().toString()).toList()));
        List<String> command = new ArrayList<>(List.of("eval", "--checkpoint",
                String.join(",", models.stream().map(Path::toString).toList())));
        command.addAll(args);
        RecipeStep.runCommand(command);
        return Optional.empty();
    }
}
