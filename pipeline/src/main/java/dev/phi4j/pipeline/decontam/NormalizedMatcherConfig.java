package dev.phi4j.pipeline.decontam;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.io.Serializable;

/**
 * The {@code normalized} matcher: n-grams over the paper's view (lower case, punctuation deleted) with every number
 * masked to one token, and every name the text defines ({@code def NAME}, {@code class NAME}) to another, so a
 * benchmark question with its numbers changed, or a programming problem with its function renamed, still matches. Templated phrasing shared by
 * many items is left out (stop n-grams); an item is hit when the document holds at least {@code min_shared} of its
 * remaining n-grams and at least {@code min_fraction} of them.
 */
public record NormalizedMatcherConfig(
        @Doc("n-gram length") @Default("8") @Range(min = 3, max = 50) int ngram,
        @Doc("fraction of the item's (non-stop) n-grams the document must hold") @Default("0.5")
        @Range(min = 0.01, max = 1) double minFraction,
        @Doc("fewest shared n-grams that can hit an item") @Default("4") @Range(min = 1) int minShared,
        @Doc("an n-gram held by more than this many benchmark items is a stop n-gram (templated phrasing), ignored")
        @Default("5") @Range(min = 1) int maxItems) implements Serializable {}
