package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.core.sandbox.SandboxConfig;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;

import java.util.List;
import java.util.Optional;

/**
 * Execution validation of generated code: each code sample's Python runs in the sandbox, with its seed's tests when the
 * seed had them ({@code check(entry_point)}, HumanEval's form), else with the asserts it wrote itself. Instruction
 * reversal without tests falls back to similarity with the original code. Samples that are not code pass through.
 */
@Variant("execute")
public record ExecuteConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("limits of each run") @Default("{}") SandboxConfig sandbox,
        @Doc("without tests, keep a regenerated program only when its identifier overlap (Jaccard) with the seed's "
                + "code reaches this") @Default("0.5") @Range(min = 0, max = 1) double minSimilarity)
        implements StageConfig {

    @Override
    public Stage build() {
        return new ExecuteStage(this);
    }
}
