package dev.phi4j.cli;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.ConfigLoader;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.schema.MixtureGroup;
import dev.phi4j.pipeline.SparkConfig;
import dev.phi4j.pipeline.mixture.EpochCaps;
import dev.phi4j.pipeline.mixture.GroupShares;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep ({@code configs/experiments/*.yaml}, run by {@code phi4j experiment}): named data-mixture variants, each
 * trained from the same run config once per seed under one token budget, and scored by held-out loss on one
 * evaluation set every variant shares: the held-out documents of each mixture group in {@code eval.groups}.
 *
 * <pre>
 * name: table3
 * base: configs/experiments/tiny-english.yaml     # tokenizer, model, trainer of every run
 * pipeline: configs/pipeline/english.yaml        # run first; its finished stages are reused
 * data: runs/english/decontam                    # the documents every variant's mixture draws from
 * seeds: [1, 2, 3]
 * variants:
 *   - name: synthetic-only
 *     shares: {web: 0, web_rewrites: 0, synthetic: 1, code: 0, acquired: 0}
 * </pre>
 */
public record ExperimentConfig(
        @Doc("the experiment's name: its results go to output_dir/NAME") String name,
        @Doc("folder of experiment folders") @Default("runs/experiments") String outputDir,
        @Doc("the run config every run starts from (its tokenizer, model and trainer sections; its run and "
                + "reproduce sections are replaced), e.g. configs/experiments/tiny-english.yaml") Path base,
        @Doc("overrides of the base config for every run, each KEY=VALUE as --set takes them")
        @Default("[]") List<String> set,
        @Doc("a pipeline config run before anything else (finished stages are reused); leave it out when `data` "
                + "is already built") Optional<Path> pipeline,
        @Doc("the pipeline stage whose kept documents every variant's mixture draws from, RUN_DIR/STAGE, e.g. "
                + "runs/english/decontam") String data,
        @Doc("Spark master and partitions of the mixture build") SparkConfig spark,
        @Doc("seed of the mixture's document selection (the same for every run; run seeds change initialisation "
                + "and data order only)") @Default("1234") long mixtureSeed,
        @Doc("training tokens of every variant's mixture; 0: trainer.max_steps × trainer.global_batch_tokens, one "
                + "pass over the mixture per run") @Default("0") @Range(min = 0) long budget,
        @Doc("share of every group's documents held out (by a hash of the document id, the same in every "
                + "variant): they never train and make the evaluation set") @Default("0.1")
        @Range(min = 0.01, max = 0.5) double validationFraction,
        @Doc("the variants compared, each a mixture of the same documents and optionally its own trainer settings")
        List<ExperimentVariant> variants,
        @Doc("training seeds (run.seed: initialisation and data order); each variant trains once per seed")
        List<Long> seeds,
        @Doc("what every run is scored on") ExperimentEval eval) {

    public ExperimentConfig {
        if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new InvalidConfigValue("name", "experiment name '" + name + "' must be lowercase letters, digits, "
                    + "'_' and '-' (it becomes a folder name)");
        }
        if (variants.isEmpty()) {
            throw new InvalidConfigValue("variants", "an experiment needs at least one variant");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            String variant = variants.get(i).name();
            if (!names.add(variant)) {
                throw new InvalidConfigValue("variants", "variants[" + i + "]: name '" + variant + "' is used twice");
            }
            if (ExperimentEval.isEvalSet(variant)) {
                throw new InvalidConfigValue("variants", "variants[" + i + "]: name '" + variant + "' is reserved "
                        + "for the evaluation sets (eval-GROUP); choose another");
            }
        }
        if (seeds.size() < 2) {
            throw new InvalidConfigValue("seeds", "give at least 2 seeds (3 or more to report a spread), got "
                    + seeds.size());
        }
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new InvalidConfigValue("seeds", "a seed is listed twice: " + seeds);
        }
    }

    /** One variant: a mixture of the experiment's documents and trainer overrides of its own. */
    public record ExperimentVariant(
            @Doc("the variant's name (a folder name): its mixture set and runs are named after it") String name,
            @Doc("target share of training tokens per mixture group; they add up to 1") GroupShares shares,
            @Doc("most epochs per group; a capped group's shortfall goes to the others") EpochCaps maxEpochs,
            @Doc("overrides of the base config for this variant's runs, KEY=VALUE") @Default("[]") List<String> set,
            @Doc("a line on what the variant tests, printed in the table") @Default("\"\"") String description) {

        public ExperimentVariant {
            if (!name.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new InvalidConfigValue("name", "variant name '" + name + "' must be lowercase letters, "
                        + "digits, '_' and '-' (it becomes a folder name)");
            }
        }
    }

    /** The evaluation every run gets: held-out loss on the held-out documents of each group. */
    public record ExperimentEval(
            @Doc("mixture groups whose held-out documents are scored, one metric each (loss/GROUP) plus their mean "
                    + "(loss/mean)") @Default("[web, web_rewrites, synthetic, acquired]") List<String> groups,
            @Doc("most micro-batches of each group's held-out sequences scored (their first ones, the same for "
                    + "every run; scoring is a forward pass, slower than its size suggests: 8 take seconds on two cores)")
            @Default("8") @Range(min = 1) int batches) {

        static final String PREFIX = "eval-";

        public ExperimentEval {
            List<String> known = Arrays.stream(MixtureGroup.values()).map(g -> g.name().toLowerCase(Locale.ROOT))
                    .toList();
            if (groups.isEmpty()) {
                throw new InvalidConfigValue("groups", "name at least one mixture group to evaluate on, e.g. [web]");
            }
            for (String group : groups) {
                if (!known.contains(group)) {
                    throw new InvalidConfigValue("groups", "'" + group + "' is not a mixture group; expects one of "
                            + String.join(", ", known));
                }
            }
            if (new HashSet<>(groups).size() != groups.size()) {
                throw new InvalidConfigValue("groups", "a group is listed twice: " + groups);
            }
        }

        static boolean isEvalSet(String name) {
            return name.startsWith(PREFIX);
        }

        /** The mixture set holding a group's held-out documents. */
        static String setName(String group) {
            return PREFIX + group.replace('_', '-');
        }

        /** The metric names, in table order: one per group, then their mean. */
        List<String> metrics() {
            List<String> metrics = new java.util.ArrayList<>(groups.stream().map(g -> "loss/" + g).toList());
            metrics.add("loss/mean");
            return metrics;
        }
    }

    /** The experiment's folder: mixtures/, runs/, results.json, results.md, results.svg. */
    public Path directory() {
        return Path.of(outputDir).resolve(name);
    }

    public static ConfigLoader.Loaded<ExperimentConfig> load(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides, ExperimentConfig.class);
    }
}
