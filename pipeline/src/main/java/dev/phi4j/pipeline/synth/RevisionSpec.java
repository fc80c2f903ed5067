package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.io.Serializable;

/**
 * Self-revision (report D.1.2): the draft is critiqued against a rubric, scored, and revised while the score is below
 * the threshold, for at most {@code max_rounds} revisions. The critique's score is the mean of every "N/10" it gives
 * (one per rubric criterion); a critique with none scores 0, which triggers a revision and is counted as unparsed.
 */
public record RevisionSpec(
        @Doc("the rubric the critic scores against, filled into {rubric}") String rubric,
        @Doc("critique prompt; {draft}, {rubric}, {seed} and the template's variables are filled in") String critique,
        @Doc("revision prompt; also {critique}") String revise,
        @Doc("revisions at most") @Default("2") @Range(min = 1, max = 10) int maxRounds,
        @Doc("stop revising once the critique's score reaches this (out of 10)") @Default("8") @Range(min = 0, max = 10)
        double threshold) implements Serializable {}
