package dev.phi4j.pipeline.synth;

import dev.phi4j.core.schema.SyntheticSample;

/** A finished sample and, when it is not to be kept, why: a failed call, a truncated or empty answer. */
record Generation(SyntheticSample sample, String dropReason) {}
