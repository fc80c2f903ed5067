package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

/** What the corpus profile (token-length histograms and top n-grams per source, for the report) looks at. */
public record ProfileConfig(
        @Doc("words per n-gram in the top n-gram lists") @Default("3") @Range(min = 1, max = 13) int ngram,
        @Doc("n-grams listed per source") @Default("15") @Range(min = 0, max = 1000) int top,
        @Doc("documents per source whose n-grams are counted (a sample chosen by id hash)") @Default("2000")
        @Range(min = 1) int maxDocumentsPerSource) {}
