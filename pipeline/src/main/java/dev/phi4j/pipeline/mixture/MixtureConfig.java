package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Location;
import dev.phi4j.core.schema.MixtureGroup;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.pipeline.SparkConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A mixture build ({@code configs/mixture/*.yaml}): which pipeline stages it reads, the tokenizer, and the token
 * shard sets to write, each into {@code output_dir/<name>/}. The pretrain and midtrain sets mix documents by mixture
 * group (web, web_rewrites, synthetic, code, acquired); {@code inputs} names, per group, the finished pipeline stage
 * whose kept documents of that group are read, as {@code RUN_DIR/STAGE}, with {@code default} for every group not
 * named:
 * <pre>
 * inputs: {default: runs/sample/decontam}                     # one stage for every group
 * inputs: {default: runs/web/decontam, code: runs/code/dedup}  # code documents from another run
 * </pre>
 * A group no input serves has no documents; the plan spreads its share over the others and says so. The tokenizer
 * usually comes from the run config of the model the sets feed ({@link #withTokenizer}), so that one file configures
 * it.
 */
public record MixtureConfig(
        @Doc("the pipeline stage (RUN_DIR/STAGE, STAGE a folder like 03-decontam or a name like decontam) whose kept "
                + "documents the pretrain and midtrain sets mix, per mixture group (web, web_rewrites, synthetic, "
                + "code, acquired) or `default` for the groups not named, e.g. {default: runs/sample/decontam}")
        @Default("{}") Map<String, String> inputs,
        @Doc("where the sets are written, a local path or Hadoop URI; empty: <run>/mixtures, the run folder all "
                + "inputs share") Optional<String> outputDir,
        @Doc("the tokenizer the sets are encoded with; it must be the model's (the trainer checks its fingerprint). "
                + "Leave it out under `phi4j reproduce`, which uses the recipe's, and with `mixture build "
                + "--tokenizer-from RUN_CONFIG`; left out otherwise: Phi-4's tokenizer (kind phi4)")
        TokenizerConfig tokenizer,
        @Doc("Spark master and partitions") SparkConfig spark,
        @Doc("seed of every sampling and shuffling decision") @Default("1234") long seed,
        @Doc("token-length histograms and top n-grams per source, for the report") ProfileConfig profile,
        @Doc("the sets to build; `kind:` names each (pretrain, midtrain, sft, dpo)") List<MixtureSetConfig> sets) {

    public MixtureConfig {
        if (sets.isEmpty()) {
            throw new InvalidConfigValue("sets", "a mixture build needs at least one set");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sets.size(); i++) {
            if (!names.add(sets.get(i).name())) {
                throw new InvalidConfigValue("sets", "sets[" + i + "]: set name '" + sets.get(i).name()
                        + "' is used twice; give each set its own name");
            }
            if (sets.get(i).readsDocuments() && inputs.isEmpty()) {
                throw new InvalidConfigValue("inputs", "sets[" + i + "] (" + sets.get(i).name() + ") mixes the "
                        + "pipeline's documents: name the pipeline stage to read in inputs, e.g. "
                        + "{default: runs/sample/decontam}");
            }
        }
        List<String> keys = new ArrayList<>(Arrays.stream(MixtureGroup.values())
                .map(g -> g.name().toLowerCase(Locale.ROOT)).toList());
        keys.add(MixtureInputs.DEFAULT);
        for (Map.Entry<String, String> input : inputs.entrySet()) {
            if (!keys.contains(input.getKey())) {
                throw new InvalidConfigValue("inputs." + input.getKey(), "not a mixture group; expects one of "
                        + String.join(", ", keys));
            }
            try {
                InputStage.runDir(input.getValue());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigValue("inputs." + input.getKey(), e.getMessage());
            }
        }
        if (outputDir.isEmpty() && sharedRunDir(inputs).isEmpty()) {
            throw new InvalidConfigValue("output_dir", "give output_dir: the inputs do not share one run folder "
                    + "to write <run>/mixtures into");
        }
    }

    /** The run folder every input lies in, if they share one. */
    public Optional<String> runDir() {
        return sharedRunDir(inputs);
    }

    private static Optional<String> sharedRunDir(Map<String, String> inputs) {
        Set<String> runs = new HashSet<>(inputs.values().stream().map(InputStage::runDir).toList());
        return runs.size() == 1 ? Optional.of(runs.iterator().next()) : Optional.empty();
    }

    /** The {@code tokenizer:} section of a run config, e.g. configs/tiny.yaml, read without its other sections. */
    public record RunTokenizer(TokenizerConfig tokenizer) {

        public static TokenizerConfig of(Path runConfig) {
            return ConfigLoader.loadSections(runConfig, RunTokenizer.class).config().tokenizer();
        }
    }

    /**
     * The loaded build encoded with the tokenizer a run config configures ({@code source} names it in errors). The
     * mixture config must then name none: the tokenizer is configured in one place.
     */
    public static MixtureConfig withTokenizer(ConfigLoader.Loaded<MixtureConfig> loaded, TokenizerConfig tokenizer,
                                              Path source) {
        Location unset = Location.defaultValue(TokenizerConfig.class);
        loaded.origins().forEach((key, origin) -> {
            if (key.startsWith("tokenizer.") && !origin.equals(unset)) {
                throw new ConfigException(origin, key, "the tokenizer is the one " + source + " configures; remove "
                        + "the tokenizer section here");
            }
        });
        MixtureConfig c = loaded.config();
        return new MixtureConfig(c.inputs, c.outputDir, tokenizer, c.spark, c.seed, c.profile, c.sets);
    }

    /** The folder the sets are written into. */
    public String mixturesDir() {
        return outputDir.orElseGet(() -> runDir().orElseThrow() + "/mixtures");
    }

    public static ConfigLoader.Loaded<MixtureConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, MixtureConfig.class);
    }
}
