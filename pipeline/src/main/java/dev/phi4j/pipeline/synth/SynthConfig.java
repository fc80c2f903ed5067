package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;
import dev.phi4j.pipeline.teacher.TeacherConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Synthetic generation: one template ({@code configs/synth/NAME.yaml}) run on every seed it applies to, by a teacher
 * or a panel of teachers, one sample per seed. List the stage once per template; each reads the seed stage.
 */
@Variant("synthesize")
public record SynthConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("the template: a name in templates_dir, or a path to a .yaml file") String template,
        @Doc("folder of the named templates") @Default("configs/synth") String templatesDir,
        @Doc("the teacher panel; each seed goes to one member, chosen by its id") @Default("[]")
        List<TeacherConfig> teachers,
        @Doc("the response cache (local path, hdfs:// or s3a://), shared by runs and stages: a re-run asks nothing "
                + "twice") @Default("runs/teacher-cache") String cacheDir,
        @Doc("sampling settings of every request") @Default("{}") Sampling sampling,
        @Doc("generate for at most this many seeds, the highest educational value first (over_limit); 0: all")
        @Default("0") @Range(min = 0) int limit) implements StageConfig {

    public SynthConfig {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < teachers.size(); i++) {
            if (!names.add(teachers.get(i).name())) {
                throw new InvalidConfigValue("teachers[" + i + "].name", "two teachers are named '"
                        + teachers.get(i).name() + "'");
            }
        }
    }

    /** The template file this config names. */
    public Path templateFile() {
        Path named = template.endsWith(".yaml") ? Path.of(template) : Path.of(templatesDir, template + ".yaml");
        if (!Files.isRegularFile(named)) {
            throw new InvalidConfigValue("template", "no template file " + named.toAbsolutePath()
                    + (template.endsWith(".yaml") ? "" : " (a name is looked up in templates_dir: " + templatesDir + ")"));
        }
        return named;
    }

    @Override
    public Stage build() {
        SynthTemplate loaded = SynthTemplate.load(templateFile());
        if (!loaded.steps().isEmpty() && teachers.isEmpty()) {
            throw new InvalidConfigValue("teachers", "template " + loaded.name() + " calls a teacher, and no teacher "
                    + "is configured");
        }
        return new SynthStage(this, loaded);
    }
}
