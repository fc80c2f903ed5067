package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.PipelineSpark;
import dev.phi4j.pipeline.mixture.MixtureBuild;
import dev.phi4j.pipeline.mixture.MixtureConfig;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static dev.phi4j.cli.RecipeRun.DETAIL;

/**
 * The mixture build on the pipeline step's run, encoded with the recipe's tokenizer: its sets are reused when their
 * config, tokenizer and input are unchanged.
 */
@Variant("mixture")
public record MixtureStep(
        @Doc("the mixture config, e.g. configs/mixture/sample.yaml; its input is the pipeline step's run folder and "
                + "its sets are encoded with the recipe's tokenizer, so it names none") Path config,
        @Doc("the pipeline step's stages each mixture group reads, by name, e.g. {default: decontam, synthetic: "
                + "decontam_synth}; unset, every group reads the run's last stage") @Default("{}")
        Map<String, String> stages) implements RecipeStep {

    /** The sets a mixture build wrote, by name, each in its own folder under {@code dir}. */
    public record MixtureSets(org.apache.hadoop.fs.Path dir, Map<String, org.apache.hadoop.fs.Path> sets) {

        /** The token shards of one set, on the local file system where the trainer reads them. */
        Path shards(String name) {
            org.apache.hadoop.fs.Path set = sets.get(name);
            if (set == null) {
                throw new IllegalArgumentException(dir + ": no mixture set named '" + name + "'; the mixture builds "
                        + sets.keySet());
            }
            URI uri = new org.apache.hadoop.fs.Path(set, MixtureBuild.SHARDS).toUri();
            if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
                throw new IllegalArgumentException(uri + ": the trainer reads shards from a local path; set the "
                        + "mixture's output_dir to one");
            }
            return Path.of(uri.getPath());
        }
    }

    /** The mixture config's {@code inputs}, as overrides: the stages named here, in the pipeline step's run. */
    private List<String> inputs(PipelineStep.PipelineRun run) {
        if (stages.isEmpty()) {
            return List.of("inputs.default=" + TrainCommand.yamlString(run.lastStage().toString()));
        }
        List<String> inputs = new ArrayList<>();
        stages.forEach((group, stage) -> {
            org.apache.hadoop.fs.Path folder = run.stages().get(stage);
            if (folder == null) {
                throw new IllegalArgumentException("mixture step: stages." + group + ": the pipeline run " + run.root()
                        + " has no stage '" + stage + "'; it has " + run.stages().keySet());
            }
            inputs.add("inputs." + group + "=" + TrainCommand.yamlString(folder.toString()));
        });
        return inputs;
    }

    @Override
    public List<Class<? extends Record>> needs() {
        return List.of(PipelineStep.PipelineRun.class);
    }

    @Override
    public Optional<Class<? extends Record>> makes() {
        return Optional.of(MixtureSets.class);
    }

    @Override
    public Optional<Record> run(RecipeRun recipe) {
        ConfigLoader.Loaded<MixtureConfig> loaded = MixtureConfig.load(config,
                inputs(recipe.made(PipelineStep.PipelineRun.class)));
        MixtureConfig mixture = MixtureConfig.withTokenizer(loaded, recipe.config().tokenizer(), recipe.configFile());
        MixtureBuild build = new MixtureBuild(mixture, IndentedOutput.of(System.out, DETAIL));
        recipe.headline(config + ": " + mixture.sets().size() + " set(s) into " + build.mixturesDir());
        long start = System.nanoTime();
        List<MixtureBuild.Outcome> outcomes = PipelineSpark.withSession(mixture.spark(), build::run);
        Map<String, org.apache.hadoop.fs.Path> sets = new LinkedHashMap<>();
        outcomes.forEach(outcome -> sets.put(outcome.manifest().name(), outcome.dir()));
        System.out.printf(Locale.ROOT, "%sdone in %.1f s: %s%n", DETAIL, (System.nanoTime() - start) / 1e9,
                String.join(", ", sets.keySet()));
        return Optional.of(new MixtureSets(build.mixturesDir(), sets));
    }
}
