package dev.phi4j.cli;

import dev.phi4j.core.config.Variant;
import dev.phi4j.trainer.report.TrainingReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/**
 * {@code phi4j report run} over every model the training steps made, in order: one HTML page with each phase's loss
 * curves, mixture, long-context and task evaluations, in the last phase's run folder.
 */
@Variant("run-report")
public record RunReportStep() implements RecipeStep {

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PretrainStep.TrainedModel.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) throws IOException {
        List<Path> runs = recipe.all(PretrainStep.TrainedModel.class).stream()
                .map(model -> model.checkpoint().getParent().getParent()).distinct().toList();
        TrainingReport.Written written = TrainingReport.write(runs, Optional.empty());
        recipe.headline(written.phases().size() + " phase(s): " + String.join(" → ", written.phases()) + " -> "
                + written.html());
        written.notAvailable().forEach(line -> System.out.println(DETAIL + "not available: " + line));
        return Optional.empty();
    }
}
