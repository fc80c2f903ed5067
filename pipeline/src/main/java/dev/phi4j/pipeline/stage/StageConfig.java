package dev.phi4j.pipeline.stage;

import java.util.List;
import java.util.Optional;

/**
 * The config of one stage in a pipeline's {@code stages:} list; {@code stage:} names which (the registry of stage
 * kinds is {@code PipelineConfig.stages}), {@code name:} and {@code input:} place it in the pipeline's graph:
 * <pre>
 * stages:
 *   - stage: ingest
 *     sources: [...]
 *   - stage: clean            # input omitted: reads the stage listed before it
 *     min_chars: 200
 *   - stage: dedup
 *     name: dedup_all
 *     input: [clean]          # one or several stages listed before it, by name
 * </pre>
 * A stage config record declares {@code name} and {@code input} as its first components, with {@link #NAME_DOC}
 * and {@link #INPUT_DOC} as their docs.
 */
public interface StageConfig {

    String NAME_DOC = "the stage's name in this pipeline: its folder (01-<name>) and what input: refers to; "
            + "empty: the stage's kind";
    String INPUT_DOC = "names of the stages whose kept rows this stage reads, unioned in this order; empty: the "
            + "stage listed before it (a source stage reads files and takes none)";

    /** The stage's name in the pipeline; empty: {@link Stage#name()}. */
    default Optional<String> name() {
        return Optional.empty();
    }

    /** The stages this stage reads, by name; empty: the stage listed before it. */
    default List<String> input() {
        return List.of();
    }

    /** The stage this config describes; checks what can be checked before a run (files exist, bounds agree). */
    Stage build();
}
