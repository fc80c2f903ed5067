package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.model.ModelConfig;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.trainer.train.TrainerConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole phi4j run as one YAML file: each top-level key is a section owned by the module that uses
 * it. {@code phi4j config reference} documents every key from these records.
 */
public record Phi4jConfig(
        @Doc("run name, output folder and seed") RunConfig run,
        @Doc("the tokenizer the data is encoded with") TokenizerConfig tokenizer,
        @Doc("model shape: a preset name (tiny, small, phi-4, phi-4-16k) or `preset:` plus overrides")
        ModelConfig model,
        @Doc("optimizer, schedule and batch settings") TrainerConfig trainer,
        @Doc("the steps `phi4j reproduce` runs after the tokenizer: data pipeline, mixture, report, pretraining, sample") ReproduceConfig reproduce) {

    public Phi4jConfig {
        if (model.vocabSize() != tokenizer.modelVocabSize()) {
            throw new InvalidConfigValue("model.vocab_size", "model.vocab_size (" + model.vocabSize()
                    + ") must equal the tokenizer's vocabulary (" + tokenizer.modelVocabSize() + " for tokenizer.kind "
                    + tokenizer.kind().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        trainer.accumulationSteps(model.contextLength(),
                trainer.objective() == TrainerConfig.ObjectiveKind.DPO ? 2 : 1);
    }

    public static ConfigLoader.Loaded<Phi4jConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, Phi4jConfig.class);
    }
}
