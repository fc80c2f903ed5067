package dev.phi4j.pipeline.ingest;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The source stage: reads every configured source into documents, quarantining what cannot be read. */
@Variant("ingest")
public record IngestConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc("the sources to read; `format:` names each (jsonl, text, html, warc, wet, parquet, code)")
        List<SourceConfig> sources) implements StageConfig {

    /** The stage under its own name. */
    public IngestConfig(List<SourceConfig> sources) {
        this(Optional.empty(), sources);
    }

    public IngestConfig {
        if (sources.isEmpty()) {
            throw new InvalidConfigValue("sources", "an ingest stage needs at least one source");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sources.size(); i++) {
            if (!names.add(sources.get(i).name())) {
                throw new InvalidConfigValue("sources[" + i + "].name", "source name '" + sources.get(i).name()
                        + "' is used twice; each source needs its own name");
            }
        }
    }

    @Override
    public Stage build() {
        return new IngestStage(this);
    }
}
