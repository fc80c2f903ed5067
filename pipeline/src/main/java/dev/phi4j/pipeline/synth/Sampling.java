package dev.phi4j.pipeline.synth;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;

import java.io.Serializable;

/** Sampling settings of a stage's teacher requests; each request also gets its own seed, derived from the run's. */
public record Sampling(
        @Doc("sampling temperature") @Default("0.7") @Range(min = 0, max = 2) double temperature,
        @Doc("nucleus sampling mass") @Default("1.0") @Range(min = 0.000001, max = 1) double topP,
        @Doc("longest answer, in tokens; an answer cut here is dropped as truncated") @Default("1024")
        @Range(min = 1) int maxTokens) implements Serializable {}
