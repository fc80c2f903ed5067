package dev.phi4j.pipeline.stage;

import dev.phi4j.core.config.Variants;
import dev.phi4j.pipeline.clean.CleanConfig;
import dev.phi4j.pipeline.decontam.DecontamConfig;
import dev.phi4j.pipeline.dedup.DedupConfig;
import dev.phi4j.pipeline.ingest.IngestConfig;

/**
 * The config of one stage in a pipeline's {@code stages:} list; {@code stage:} names which:
 * <pre>
 * stages:
 *   - stage: ingest
 *     sources: [...]
 *   - stage: clean
 *     min_chars: 200
 * </pre>
 */
@Variants(key = "stage", value = {IngestConfig.class, CleanConfig.class, DedupConfig.class, DecontamConfig.class})
public interface StageConfig {

    /** The stage this config describes; checks what can be checked before a run (files exist, bounds agree). */
    Stage build();
}
