package dev.phi4j.pipeline.clean;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.PresetSource;
import dev.phi4j.core.config.Range;

import java.io.Serializable;

/**
 * Heuristic quality rules for one source class, after Gopher (Rae et al. 2021, appendix A) and C4: each bound is a
 * drop reason named in the key's description. A maximum fraction of 1 and a minimum of 0 turn a rule off. Presets:
 * {@code gopher} (prose: web, books, papers), {@code qa} (short answers), {@code code}, {@code length_only}.
 */
@PresetSource(QualityPresets.class)
public record QualityRules(
        @Doc("collapse runs of spaces and tabs inside lines (off for code, where indentation matters)")
        @Default("true") boolean collapseSpaces,
        @Doc("too_short: fewer characters") @Default("200") @Range(min = 0) int minChars,
        @Doc("too_long: more characters") @Default("1000000") @Range(min = 1) int maxChars,
        @Doc("too_few_words: fewer whitespace-separated words") @Default("50") @Range(min = 0) int minWords,
        @Doc("too_many_words: more words") @Default("100000") @Range(min = 1) int maxWords,
        @Doc("mean_word_length: mean word length below this") @Default("3") @Range(min = 0) double minMeanWordLength,
        @Doc("mean_word_length: mean word length above this") @Default("10") @Range(min = 0) double maxMeanWordLength,
        @Doc("symbol_word_ratio: (# symbols + ellipses) per word above this") @Default("0.1") @Range(min = 0)
        double maxSymbolWordRatio,
        @Doc("bullet_lines: fraction of lines starting with a bullet above this") @Default("0.9") @Range(min = 0, max = 1)
        double maxBulletLineFraction,
        @Doc("ellipsis_lines: fraction of lines ending in an ellipsis above this") @Default("0.3")
        @Range(min = 0, max = 1) double maxEllipsisLineFraction,
        @Doc("alpha_words: fraction of words with a letter below this") @Default("0.8") @Range(min = 0, max = 1)
        double minAlphaWordFraction,
        @Doc("stop_words: fewer English stop words (the, be, to, of, and, that, have, with); 0 for other languages")
        @Default("2") @Range(min = 0) int minStopWords,
        @Doc("duplicate_lines: fraction of lines that repeat an earlier line above this") @Default("0.3")
        @Range(min = 0, max = 1) double maxDuplicateLineFraction,
        @Doc("duplicate_line_chars: fraction of characters in repeated lines above this") @Default("0.2")
        @Range(min = 0, max = 1) double maxDuplicateLineCharFraction,
        @Doc("duplicate_paragraphs: fraction of paragraphs that repeat an earlier one above this") @Default("0.3")
        @Range(min = 0, max = 1) double maxDuplicateParagraphFraction,
        @Doc("duplicate_paragraph_chars: fraction of characters in repeated paragraphs above this") @Default("0.2")
        @Range(min = 0, max = 1) double maxDuplicateParagraphCharFraction,
        @Doc("top_2gram: share of word characters taken by the most frequent word 2-gram above this") @Default("0.2")
        @Range(min = 0, max = 1) double maxTop2gramFraction,
        @Doc("top_3gram: the same for 3-grams") @Default("0.18") @Range(min = 0, max = 1) double maxTop3gramFraction,
        @Doc("top_4gram: the same for 4-grams") @Default("0.16") @Range(min = 0, max = 1) double maxTop4gramFraction,
        @Doc("duplicate_5gram … duplicate_10gram: share of word characters inside repeated n-grams above this for "
                + "n = 5 (this value) down to n = 10 (this value − 0.05)") @Default("0.15") @Range(min = 0, max = 1)
        double maxDuplicate5gramFraction,
        @Doc("long_lines: a line longer than this many characters (minified or generated text)") @Default("100000")
        @Range(min = 1) int maxLineLength,
        @Doc("alphanumeric_fraction: fraction of letters and digits among non-space characters below this")
        @Default("0") @Range(min = 0, max = 1) double minAlphanumericFraction) implements Serializable {}
