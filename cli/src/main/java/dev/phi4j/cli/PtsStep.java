package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pivotal Token Search on the model the step before made, as {@code phi4j pts CONFIG --set checkpoint=…} runs it:
 * pairs for a DPO mixture after it. A stopped search resumes where it was.
 */
@Variant("pts")
public record PtsStep(
        @Doc("the search's config, e.g. configs/pts/tiny-arith.yaml; its checkpoint is the model the step before made")
        Path config,
        @Doc("overrides of the search's config, each KEY=VALUE (e.g. max_questions=50)") @Default("[]") List<String> set)
        implements RecipeStep {

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PretrainStep.TrainedModel.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) {
        Path model = recipe.made(PretrainStep.TrainedModel.class).checkpoint();
        recipe.headline(config + " on " + model);
        List<String> args = new ArrayList<>(List.of("pts", config.toString()));
        set.forEach(override -> args.addAll(List.of("--set", override)));
        args.addAll(List.of("--set", "checkpoint=" + TrainCommand.yamlString(model.toString())));
        RecipeStep.runCommand(args);
        return Optional.empty();
    }
}
