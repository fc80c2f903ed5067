package dev.phi4j.pipeline.seed;

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
 * Seed extraction (report §2.2, D.1.1): excerpts of the input documents that generation starts from. Prose is cut into
 * passages at paragraph boundaries, code into its top-level functions and classes (a programming problem with tests
 * stays whole), a Q&A document is one question. Every excerpt is tagged and scored, by the heuristics of
 * {@link SeedScorer} or by a teacher ({@link GradingConfig}); the best ones per document above the threshold are kept.
 */
@Variant("seed")
public record SeedConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("shortest passage or code excerpt, in characters; shorter prose paragraphs are joined with the next")
        @Default("200") @Range(min = 1) int minChars,
        @Doc("longest excerpt, in characters; longer paragraphs are cut at sentence ends")
        @Default("1500") @Range(min = 1) int maxChars,
        @Doc("keep at most this many excerpts per document, the best scored first") @Default("4") @Range(min = 1)
        int maxSeedsPerDocument,
        @Doc("drop excerpts whose educational value is below this (low_educational_value)") @Default("0.3")
        @Range(min = 0, max = 1) double minEducationalValue,
        @Doc("words and phrases that signal explanation or reasoning; each occurrence raises educational value and "
                + "counts a reasoning step")
        @Default("[because, therefore, thus, hence, since, for example, for instance, is defined, means, "
                + "consists of, such as, in other words, as a result, which implies, if and only if]")
        List<String> reasoningMarkers,
        @Doc("words that mark navigation, ads and legal boilerplate; each lowers educational value")
        @Default("[cookie, cookies, login, log in, sign up, subscribe, click here, privacy policy, terms of use, "
                + "all rights reserved, advertisement]")
        List<String> boilerplateMarkers,
        @Doc("who tags and scores excerpts: heuristic (the markers above) or teacher (the teacher section; the "
                + "heuristic value is kept beside the teacher's for comparison)") @Default("heuristic")
        Scorer scorer,
        @Doc("the teacher grading excerpts when scorer is teacher") Optional<GradingConfig> teacher)
        implements StageConfig {

    /** Who tags and scores the excerpts. */
    public enum Scorer { HEURISTIC, TEACHER }

    public SeedConfig {
        if (minChars > maxChars) {
            throw new InvalidConfigValue("min_chars", "min_chars " + minChars + " exceeds max_chars " + maxChars);
        }
        if (scorer == Scorer.TEACHER && teacher.isEmpty()) {
            throw new InvalidConfigValue("scorer", "scorer: teacher needs a teacher section (endpoint, cache_dir, "
                    + "prompt) to grade with; or use scorer: heuristic");
        }
        if (scorer == Scorer.HEURISTIC && teacher.isPresent()) {
            throw new InvalidConfigValue("teacher", "a teacher section is set but scorer is heuristic, so it would "
                    + "never be asked; set scorer: teacher, or remove the section");
        }
        reasoningMarkers = List.copyOf(reasoningMarkers);
        boilerplateMarkers = List.copyOf(boilerplateMarkers);
    }

    @Override
    public Stage build() {
        return new SeedStage(this);
    }
}
