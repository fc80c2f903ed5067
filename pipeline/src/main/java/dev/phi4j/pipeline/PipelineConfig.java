package dev.phi4j.pipeline;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.run.RunConfig;
import dev.phi4j.pipeline.stage.StageConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * A data pipeline as one YAML file ({@code configs/pipeline/*.yaml}): where the run writes, how Spark runs, and the
 * stages in order, the first reading sources and each later one the kept rows of the one before.
 */
public record PipelineConfig(
        @Doc("run name, output folder and seed") RunConfig run,
        @Doc("Spark master, partitions and extra Spark settings") SparkConfig spark,
        @Doc("dropped rows and quoted examples each stage writes") StageOutputConfig stageOutput,
        @Doc("the stages in order; `stage:` names each (ingest, clean, dedup, decontam)") List<StageConfig> stages) {

    public PipelineConfig {
        if (stages.isEmpty()) {
            throw new InvalidConfigValue("stages", "a pipeline needs at least one stage");
        }
    }

    public static ConfigLoader.Loaded<PipelineConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, PipelineConfig.class);
    }
}
