package dev.phi4j.pipeline.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry of section renderers, keyed by manifest section name, in the order the report shows them. A section
 * whose name is registered here is rendered wherever it appears (any stage manifest, any set manifest); a section of
 * an unknown name is shown as collapsible JSON. The shapes are documented in pipeline/README.md ("Report sections").
 */
final class ReportSections {

    private static final List<SectionRenderer> ORDER = List.of(
            new DataSections.IngestSources(),
            new DataSections.DedupClusters(),
            new GenericSection.Tabular("dedup.search", "Deduplication: MinHash-LSH search", "dedup"),
            new DataSections.DedupBySource(),
            new DataSections.DecontamHits(),
            new DataSections.DecontamMatcherHits(),
            new GenericSection.Tabular("decontam.index", "Decontamination: benchmark n-gram index", "decontam"),
            new DataSections.Expansion(),
            new SynthSections.Plurality(),
            new SynthSections.Revision(),
            new SynthSections.TeacherUsage(),
            new SynthSections.ExecuteOutcomes(),
            new MixtureSections.Table(),
            new MixtureSections.Sources(),
            new MixtureSections.Profile(),
            new MixtureSections.PostTrainingSummary("sft"),
            new MixtureSections.DroppedExamples("sft"),
            new MixtureSections.PostTrainingSummary("dpo"),
            new MixtureSections.DroppedExamples("dpo"),
            new BrowserSections.Samples("mixture.samples"),
            new BrowserSections.Samples("sft.samples"),
            new BrowserSections.Samples("dpo.samples"),
            new BrowserSections.LineageRecords());

    private static final Map<String, SectionRenderer> BY_NAME = new LinkedHashMap<>();

    static {
        for (SectionRenderer renderer : ORDER) {
            if (BY_NAME.put(renderer.name(), renderer) != null) {
                throw new IllegalStateException("two renderers for section " + renderer.name());
            }
        }
    }

    private ReportSections() {}

    static List<SectionRenderer> ordered() {
        return ORDER;
    }

    static Optional<SectionRenderer> of(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
