package dev.phi4j.core.tokenizer;

/** One learned merge: tokens {@code left} and {@code right}, adjacent inside a piece, become one token. */
public record BpeMerge(int left, int right) {}
