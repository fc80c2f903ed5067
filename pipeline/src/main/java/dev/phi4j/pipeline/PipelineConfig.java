package dev.phi4j.pipeline;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Variants;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.pipeline.clean.CleanConfig;
import dev.phi4j.pipeline.decontam.DecontamConfig;
import dev.phi4j.pipeline.dedup.DedupConfig;
import dev.phi4j.pipeline.ingest.IngestConfig;
import dev.phi4j.pipeline.seed.SeedConfig;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.synth.ExecuteConfig;
import dev.phi4j.pipeline.synth.PluralityConfig;
import dev.phi4j.pipeline.synth.SynthConfig;
import dev.phi4j.pipeline.synth.SynthDocumentsConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A data pipeline as one YAML file ({@code configs/pipeline/*.yaml}): where the run writes, how Spark runs, and the
 * stages in order, a source stage reading files and each other one the kept rows of the stages its {@code input:}
 * names (the one listed before it, when omitted).
 *
 * <p>{@code stages} is the stage registry: the {@link Variants} on it list every kind of stage a config may name.
 * Adding a stage is its package (config record, stage) plus one entry there.
 */
public record PipelineConfig(
        @Doc("run name, output folder and seed") RunConfig run,
        @Doc("Spark master, partitions and extra Spark settings") SparkConfig spark,
        @Doc("dropped rows and quoted examples each stage writes") StageOutputConfig stageOutput,
        @Doc("the stages in order; `stage:` names each kind, `input:` the stages it reads")
        @Variants(key = "stage", value = {IngestConfig.class, CleanConfig.class, DedupConfig.class,
                DecontamConfig.class, SeedConfig.class, SynthConfig.class, ExecuteConfig.class, PluralityConfig.class,
                SynthDocumentsConfig.class}) List<StageConfig> stages) {

    public PipelineConfig {
        if (stages.isEmpty()) {
            throw new InvalidConfigValue("stages", "a pipeline needs at least one stage");
        }
    }

    public static ConfigLoader.Loaded<PipelineConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, PipelineConfig.class);
    }
}
