package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigException;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Location;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.pipeline.SparkConfig;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A mixture build ({@code configs/mixture/*.yaml}): which pipeline run it reads, the tokenizer, and the token shard
 * sets to write, each into {@code output_dir/<name>/}. Its tokenizer usually comes from the run config of the model it
 * feeds ({@link #withTokenizer}), so that one file configures it.
 */
public record MixtureConfig(
        @Doc("pipeline run folder whose documents the pretrain and midtrain sets mix, e.g. runs/sample")
        Optional<String> input,
        @Doc("stage folder (03-decontam) or stage name (decontam) in the run whose kept documents are mixed; "
                + "empty: the last finished stage") Optional<String> stage,
        @Doc("where the sets are written, a local path or Hadoop URI; empty: <input>/mixtures")
        Optional<String> outputDir,
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
            if (sets.get(i).readsDocuments() && input.isEmpty()) {
                throw new InvalidConfigValue("input", "sets[" + i + "] (" + sets.get(i).name() + ") mixes the "
                        + "pipeline's documents: name the pipeline run folder in input");
            }
        }
        if (input.isEmpty() && outputDir.isEmpty()) {
            throw new InvalidConfigValue("output_dir", "give output_dir (or input, to write into <input>/mixtures)");
        }
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
        return new MixtureConfig(c.input, c.stage, c.outputDir, tokenizer, c.spark, c.seed, c.profile, c.sets);
    }

    /** The folder the sets are written into. */
    public String mixturesDir() {
        return outputDir.orElseGet(() -> (input.orElseThrow().endsWith("/") ? input.orElseThrow()
                : input.orElseThrow() + "/") + "mixtures");
    }

    public static ConfigLoader.Loaded<MixtureConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, MixtureConfig.class);
    }
}
