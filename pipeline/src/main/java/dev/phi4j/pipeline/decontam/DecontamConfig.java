package dev.phi4j.pipeline.decontam;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;

import java.util.List;
import java.util.Optional;

/**
 * Benchmark decontamination by Phi-4's hybrid n-gram rule (report, Appendix B.1): a document sharing any 13-gram
 * with a benchmark item (other than common 13-grams on the allow-list) is contaminated; otherwise the 7-gram overlap
 * ratio |shared| / min(|doc 7-grams|, |item 7-grams|), maximised over items, splits contaminated / partial / clean
 * at two thresholds. The report gives no threshold values; these defaults are phi4j's, measured in
 * {@code pipeline/README.md}.
 */
@Variant("decontam")
public record DecontamConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("benchmark test sets to protect") List<BenchmarkConfig> benchmarks,
        @Doc("corpora whose 13-grams are common, not evidence of contamination (e.g. Wikipedia, benchmark train "
                + "splits)") @Default("[]") List<BenchmarkConfig> allowList,
        @Doc("a 13-gram on the allow-list must occur in at least this many of its items") @Default("1") @Range(min = 1)
        int allowListMinItems,
        @Doc("length of the n-grams whose single shared occurrence marks contamination") @Default("13")
        @Range(min = 2, max = 100) int ngram,
        @Doc("length of the n-grams of the overlap ratio") @Default("7") @Range(min = 2, max = 100) int overlapNgram,
        @Doc("overlap ratio at or above which a document is contaminated") @Default("0.5") @Range(min = 0, max = 1)
        double contaminatedRatio,
        @Doc("overlap ratio at or above which a document is partially contaminated") @Default("0.2")
        @Range(min = 0, max = 1) double partialRatio,
        @Doc("the matchers that judge a document, each flagging on its own (a document any of them flags is "
                + "contaminated): paper (the 13-gram + 7-gram-ratio rule above, the only one that gives partial), "
                + "normalized (n-grams with numbers and defined names masked), sentences (per-sentence n-gram sets "
                + "with numbers, names and identifiers masked, order-insensitive)") @Default("[paper]") List<MatcherKind> matchers,
        @Doc("thresholds of the normalized matcher") @Default("{}") NormalizedMatcherConfig normalized,
        @Doc("thresholds of the sentences matcher") @Default("{}") SentencesMatcherConfig sentences,
        @Doc("contaminated documents: drop them, or cut the overlapping spans out and keep the rest")
        @Default("drop") Action action,
        @Doc("partially contaminated documents: keep (flagged in metadata), drop, or cut") @Default("keep")
        Action partialAction,
        @Doc("a cut document shorter than this is dropped instead") @Default("100") @Range(min = 0)
        int minCharsAfterCut) implements StageConfig {

    /** The stage under its own name, reading the stage listed before it, with the paper's rule alone. */
    public DecontamConfig(List<BenchmarkConfig> benchmarks, List<BenchmarkConfig> allowList, int allowListMinItems, int ngram, int overlapNgram, double contaminatedRatio, double partialRatio, Action action, Action partialAction, int minCharsAfterCut) {
        this(benchmarks, allowList, allowListMinItems, ngram, overlapNgram, contaminatedRatio, partialRatio,
                List.of(MatcherKind.PAPER), action, partialAction, minCharsAfterCut);
    }

    /** The stage under its own name with the given matchers at their default thresholds. */
    public DecontamConfig(List<BenchmarkConfig> benchmarks, List<BenchmarkConfig> allowList, int allowListMinItems, int ngram, int overlapNgram, double contaminatedRatio, double partialRatio, List<MatcherKind> matchers, Action action, Action partialAction, int minCharsAfterCut) {
        this(Optional.empty(), List.of(), benchmarks, allowList, allowListMinItems, ngram, overlapNgram,
                contaminatedRatio, partialRatio, matchers, new NormalizedMatcherConfig(8, 0.5, 4, 5),
                new SentencesMatcherConfig(5, 0.6, 0.6, 8, 5), action, partialAction, minCharsAfterCut);
    }

    public enum Action { KEEP, DROP, CUT }

    /** The matchers a config can list; each has its own hits in the manifest. */
    public enum MatcherKind {
        PAPER, NORMALIZED, SENTENCES;

        /** The name in configs, metadata and the manifest. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DecontamConfig {
        if (benchmarks.isEmpty()) {
            throw new InvalidConfigValue("benchmarks", "names no benchmark to decontaminate against");
        }
        if (benchmarks.stream().map(BenchmarkConfig::name).distinct().count() < benchmarks.size()) {
            throw new InvalidConfigValue("benchmarks", "names a benchmark twice; the manifest reports items by "
                    + "benchmark name, so each needs its own");
        }
        if (partialRatio > contaminatedRatio) {
            throw new InvalidConfigValue("partial_ratio", "partial_ratio (" + partialRatio
                    + ") must not exceed contaminated_ratio (" + contaminatedRatio + ")");
        }
        if (matchers.isEmpty()) {
            throw new InvalidConfigValue("matchers", "names no matcher; the paper's rule is [paper]");
        }
        if (matchers.stream().distinct().count() < matchers.size()) {
            throw new InvalidConfigValue("matchers", "names a matcher twice: " + matchers);
        }
        if (action == Action.KEEP) {
            throw new InvalidConfigValue("action", "contaminated documents are dropped or cut, not kept");
        }
    }

    @Override
    public Stage build() {
        return new DecontamStage(this);
    }
}
