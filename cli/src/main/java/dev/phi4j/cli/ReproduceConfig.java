package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Variant;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The steps {@code phi4j reproduce} runs, in order, after resolving the config and preparing its tokenizer. A step
 * reads what earlier steps made (the mixture reads the pipeline's run, the sample the trained model); one whose
 * input no earlier step makes is a config error, found before anything runs.
 */
public record ReproduceConfig(
        @Doc("the steps in order; `step:` names each (pipeline, mixture, report, pretrain, sample)")
        @Default("[{step: pretrain}, {step: sample}]") List<RecipeStep> steps) {

    public ReproduceConfig {
        Set<Class<? extends Record>> made = new HashSet<>();
        for (int i = 0; i < steps.size(); i++) {
            RecipeStep step = steps.get(i);
            for (Class<? extends Record> needed : step.needs()) {
                if (!made.contains(needed)) {
                    throw new InvalidConfigValue("steps[" + i + "].step", step.name() + " reads what a "
                            + maker(needed) + " step makes, and none comes before it; list one earlier");
                }
            }
            step.makes().ifPresent(made::add);
        }
    }

    /** The step a value comes from: each step declares the record it makes inside itself. */
    private static String maker(Class<? extends Record> value) {
        return value.getEnclosingClass().getAnnotation(Variant.class).value();
    }
}
