package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code phi4j reproduce} runs around pretraining: the data pipeline and mixture configs it builds the shards
 * with, and the sample it prints from the trained checkpoint.
 */
public record ReproduceConfig(
        @Doc("pipeline config run first, e.g. configs/pipeline/sample.yaml; empty: no data stages, pretraining reads "
                + "trainer.data") Optional<Path> pipeline,
        @Doc("mixture config that packs the pipeline run into shards, e.g. configs/mixture/sample.yaml; its input is "
                + "set to the pipeline's run folder and its tokenizer must equal this config's") Optional<Path> mixture,
        @Doc("the mixture set pretraining reads") @Default("pretrain") String pretrainSet,
        @Doc("the sample generated from the trained checkpoint") SampleConfig sample) {

    public record SampleConfig(
            @Doc("prompt the sample continues") @Default("The lighthouse keeper") String prompt,
            @Doc("tokens generated at most") @Default("48") @Range(min = 1) int maxTokens,
            @Doc("sampling temperature; 0 is greedy (the seed is run.seed)") @Default("0.8") @Range(min = 0)
            double temperature) {}
}
