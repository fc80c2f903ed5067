package dev.phi4j.cli;

import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.report.InspectionReport;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dataset inspection report of the pipeline step's run, and of the mixture step's sets when they were written
 * outside it: {@code report.html} and {@code report.json} in the run folder.
 */
@Variant("report")
public record ReportStep() implements RecipeStep {

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PipelineStep.PipelineRun.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) throws IOException {
        Path root = recipe.made(PipelineStep.PipelineRun.class).root();
        List<Path> outsideRun = recipe.find(MixtureStep.MixtureSets.class).map(MixtureStep.MixtureSets::dir)
                .filter(mixtures -> !mixtures.getParent().equals(root)).map(List::of).orElse(List.of());
        InspectionReport.Written report = InspectionReport.write(root, outsideRun, new Path(root, "report.html"),
                new Path(root, "report.json"), new Configuration());
        recipe.headline(String.format(Locale.ROOT, "%d section(s), %d browsable record(s) -> %s", report.sections(),
                report.records(), report.html()));
        return Optional.empty();
    }
}
