package dev.phi4j.core.schema;

/**
 * What an id names, written as its prefix ({@code doc-3f9a…}), so that a lineage list of plain strings
 * still tells a reader which dataset to look the parent up in.
 */
public enum IdKind {
    DOCUMENT("doc"),
    SEED("seed"),
    TEACHER_CALL("call"),
    SAMPLE("sample"),
    CONVERSATION("conv"),
    PREFERENCE("pref");

    private final String prefix;

    IdKind(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix including its dash, e.g. {@code doc-}. */
    public String prefix() {
        return prefix + "-";
    }
}
