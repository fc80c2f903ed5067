package dev.phi4j.pipeline.decontam;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.io.Serializable;

/**
 * The {@code sentences} matcher, order-insensitive: each benchmark sentence is the set of its n-grams with numbers
 * and capitalised words (names) masked; a document sentence matches it when it holds at least
 * {@code sentence_fraction} of them, and an item is hit when its matched sentences carry at least
 * {@code item_fraction} of its n-grams (and {@code min_grams} of them), wherever in the document they stand. So
 * reordered sentences, swapped names and changed numbers still hit; n-grams held by more than {@code max_items}
 * items (templated phrasing such as "how many … does NAME have left") count for nothing.
 */
public record SentencesMatcherConfig(
        @Doc("n-gram length within a sentence") @Default("5") @Range(min = 2, max = 50) int ngram,
        @Doc("fraction of a benchmark sentence's n-grams one document sentence must hold to match it")
        @Default("0.6") @Range(min = 0.01, max = 1) double sentenceFraction,
        @Doc("fraction of the item's (non-stop) n-grams that its matched sentences must carry") @Default("0.6")
        @Range(min = 0.01, max = 1) double itemFraction,
        @Doc("fewest n-grams in matched sentences that can hit an item") @Default("8") @Range(min = 1) int minGrams,
        @Doc("an n-gram held by more than this many benchmark items is a stop n-gram, ignored") @Default("5")
        @Range(min = 1) int maxItems) implements Serializable {}
