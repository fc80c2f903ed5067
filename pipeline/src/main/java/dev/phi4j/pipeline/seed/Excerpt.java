package dev.phi4j.pipeline.seed;

import dev.phi4j.core.schema.SeedKind;

/** A candidate seed: {@code [start, end)} of a document's text, and what kind of excerpt it is. */
record Excerpt(int start, int end, SeedKind kind) {}
