package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.tokenizer.TokenizerConfig;
import dev.phi4j.pipeline.SparkConfig;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A mixture build ({@code configs/mixture/*.yaml}): which pipeline run it reads, the tokenizer, and the token shard
 * sets to write, each into {@code output_dir/<name>/}.
 */
public record MixtureConfig(
        @Doc("pipeline run folder whose documents the pretrain and midtrain sets mix, e.g. runs/sample")
        Optional<String> input,
        @Doc("stage folder (03-decontam) or stage name (decontam) in the run whose kept documents are mixed; "
                + "empty: the last finished stage") Optional<String> stage,
        @Doc("where the sets are written, a local path or Hadoop URI; empty: <input>/mixtures")
        Optional<String> outputDir,
        @Doc("the tokenizer; must be the one the model trains with (the trainer checks its fingerprint)")
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

    /** The folder the sets are written into. */
    public String mixturesDir() {
        return outputDir.orElseGet(() -> (input.orElseThrow().endsWith("/") ? input.orElseThrow()
                : input.orElseThrow() + "/") + "mixtures");
    }

    public static ConfigLoader.Loaded<MixtureConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, MixtureConfig.class);
    }
}
