package dev.phi4j.core.tokenizer;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts text into the pieces that BPE merges never cross: words with their leading space, runs of up to three
 * digits, punctuation runs, whitespace. Training and encoding use the same cuts, so merges learned on the
 * pieces apply to them again.
 */
final class PreTokenizer {

    /**
     * cl100k's pattern. In java.util.regex {@code \s} is ASCII whitespace only, so other Unicode spaces are
     * grouped like punctuation; harmless, since a tokenizer is trained and used with the same pattern.
     */
    static final String CL100K_PATTERN =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    static final PreTokenizer CL100K = new PreTokenizer(CL100K_PATTERN);

    private final Pattern pattern;

    /** @throws java.util.regex.PatternSyntaxException if {@code regex} is not a valid pattern */
    PreTokenizer(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    String regex() {
        return pattern.pattern();
    }

    /**
     * Hands every piece to {@code piece}, in order. Text the pattern does not match (impossible with cl100k's,
     * which matches every character, but a pattern read from a file might not) becomes a piece of its own,
     * so no text is ever dropped.
     */
    void split(String text, Consumer<String> piece) {
        Matcher matcher = pattern.matcher(text);
        int end = 0;
        while (matcher.find()) {
            if (matcher.start() > end) {
                piece.accept(text.substring(end, matcher.start()));
            }
            if (matcher.end() > matcher.start()) {
                piece.accept(text.substring(matcher.start(), matcher.end()));
            }
            end = Math.max(end, matcher.end());
        }
        if (end < text.length()) {
            piece.accept(text.substring(end));
        }
    }
}
