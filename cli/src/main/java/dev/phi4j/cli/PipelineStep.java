package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.Pipeline;
import dev.phi4j.pipeline.PipelineConfig;
import dev.phi4j.pipeline.PipelineSpark;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/** The data pipeline: its stages run, or are reused when their config and input are unchanged. */
@Variant("pipeline")
public record PipelineStep(@Doc("the pipeline config, e.g. configs/pipeline/sample.yaml") Path config)
        implements RecipeStep {

    /**
     * A finished pipeline run: the folder of its stages, where the mixture and the report go by default, the folder
     * of its last stage, whose kept documents the mixture reads unless told another, and every stage's folder by
     * stage name.
     */
    public record PipelineRun(org.apache.hadoop.fs.Path root, org.apache.hadoop.fs.Path lastStage,
                              Map<String, org.apache.hadoop.fs.Path> stages) {}

    @Override
    public Optional<Class<? extends Record>> makes() {
        return Optional.of(PipelineRun.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) {
        ConfigLoader.Loaded<PipelineConfig> loaded = PipelineConfig.load(config, List.of());
        Pipeline pipeline = Pipeline.of(loaded.config(), IndentedOutput.of(System.out, DETAIL));
        String root = pipeline.layout().root().toString();
        recipe.headline(config + ": " + loaded.config().stages().size() + " stage(s) into " + root);
        long start = System.nanoTime();
        List<Pipeline.Outcome> outcomes = PipelineSpark.withSession(loaded.config().spark(),
                spark -> pipeline.run(spark, "# resolved from " + config + "\n" + loaded.toYaml(true)));
        if (!outcomes.stream().allMatch(o -> o.manifest().invariant().holds())) {
            throw new IllegalStateException(root + ": a stage's accounting is broken (in != kept + dropped); "
                    + "see phi4j pipeline status " + root);
        }
        long reused = outcomes.stream().filter(Pipeline.Outcome::reused).count();
        Pipeline.Outcome last = outcomes.get(outcomes.size() - 1);
        System.out.printf(Locale.ROOT, "%sdone in %.1f s%s: %,d records in, %,d kept; every record accounted for%n",
                DETAIL, (System.nanoTime() - start) / 1e9, reused == 0 ? "" : " (" + reused + " stage(s) reused)",
                outcomes.get(0).manifest().counts().in(), last.manifest().counts().kept());
        Map<String, org.apache.hadoop.fs.Path> stages = new LinkedHashMap<>();
        outcomes.forEach(o -> stages.put(o.manifest().stage().name(),
                new org.apache.hadoop.fs.Path(pipeline.layout().root(), o.manifest().stage().dir())));
        return Optional.of(new PipelineRun(pipeline.layout().root(), stages.get(last.manifest().stage().name()),
                stages));
    }
}
