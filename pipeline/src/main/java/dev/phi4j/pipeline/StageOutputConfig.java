package dev.phi4j.pipeline;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

/** What every stage writes besides its kept rows. */
public record StageOutputConfig(
        @Doc("write dropped rows with their reason to each stage's dropped/ folder, so nothing is lost")
        @Default("true") boolean keepDropped,
        @Doc("rows per outcome (kept, each drop reason) quoted in the manifest for the inspection report")
        @Default("3") @Range(min = 0, max = 100) int examples) {}
