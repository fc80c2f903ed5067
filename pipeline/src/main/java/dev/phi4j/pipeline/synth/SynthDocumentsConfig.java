package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;

import java.util.List;
import java.util.Optional;

/**
 * Synthetic samples → documents for the mixture: the text a model trains on, with the source class the template
 * declared (synthetic or web_rewrite), so the mixture can give each its own Table 5 group. Dedup and decontamination
 * then run on these documents like on any other.
 */
@Variant("synth_documents")
public record SynthDocumentsConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input) implements StageConfig {

    @Override
    public Stage build() {
        return new SynthDocumentsStage();
    }
}
