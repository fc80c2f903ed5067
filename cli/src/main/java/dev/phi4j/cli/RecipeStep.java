package dev.phi4j.cli;

import dev.phi4j.core.config.Variant;
import dev.phi4j.core.config.Variants;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * One step of {@code phi4j reproduce}, an item of {@code reproduce.steps}: {@code step:} names which, the item's
 * other keys are the record's fields. A step reads the values earlier steps made (a pipeline run, mixture sets, a
 * trained model: records declared in the step that makes them) and may make one for the steps after it. Adding a
 * step is one record implementing this interface plus its entry in the list below.
 */
@Variants(key = "step", value = {PipelineStep.class, MixtureStep.class, ReportStep.class, PretrainStep.class,
        SampleStep.class, TrainStep.class, PtsStep.class, EvalStep.class, RunReportStep.class,
        TeacherStep.class})
public interface RecipeStep {

    /** The values of earlier steps this one cannot run without; {@link ReproduceConfig} checks them up front. */
    default List<Class<? extends Record>> needs() {
        return List.of();
    }

    /** The type of the value this step makes for later steps, if it makes one. */
    default Optional<Class<? extends Record>> makes() {
        return Optional.empty();
    }

    /** Runs the step, its progress line printed through {@code recipe}; returns the value it makes, if any. */
    Optional<Record> run(RecipeRun recipe) throws IOException;

    /** The name its config item gives it, e.g. {@code pipeline}. */
    default String name() {
        return getClass().getAnnotation(Variant.class).value();
    }

    /**
     * Runs a phi4j command as a step, the same code a user runs from the shell; a failure stops the recipe with the
     * command's own message already printed.
     */
    static void runCommand(List<String> args) {
        int code = Phi4j.commandLine().execute(args.toArray(String[]::new));
        if (code != ExitCodes.OK) {
            throw new IllegalStateException("phi4j " + String.join(" ", args) + " exited with " + code);
        }
    }

    /** A step stopped before it finished (Ctrl-C during training); running the same command again continues it. */
    final class Stopped extends RuntimeException {
        Stopped(String message) {
            super(message);
        }
    }
}
