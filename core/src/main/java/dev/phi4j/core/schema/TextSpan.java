package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

/** A half-open character range {@code [start, end)} of a text, in Java {@code String} indices (UTF-16 units). */
@Doc("half-open character range [start, end) in Java String indices (UTF-16 code units)")
public record TextSpan(
        @Doc("index of the first character") int start,
        @Doc("index one past the last character") int end) {

    public TextSpan {
        Require.atLeast(start, 0, "TextSpan.start");
        if (end < start) {
            throw new IllegalArgumentException("TextSpan.end (" + end + ") must be ≥ start (" + start + ")");
        }
    }

    public int length() {
        return end - start;
    }
}
