package dev.phi4j.core.schema;

/** What a seed excerpt is, which decides the generation templates that apply to it; stored lower-case. */
public enum SeedKind {
    /** A passage of prose: web, books, academic text. */
    PASSAGE,
    /** A function or class from a code file, or a programming problem with its solution. */
    CODE,
    /** A question from a Q&A source, e.g. a math word problem. */
    QUESTION
}
