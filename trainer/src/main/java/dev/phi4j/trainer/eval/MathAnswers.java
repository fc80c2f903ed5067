package dev.phi4j.trainer.eval;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Final answers of math solutions for exact match, in the three ways the standard evaluations read them: GSM8K's
 * strict match (the number after the last {@code ####}, lm-evaluation-harness {@code strict-match}), its flexible
 * extract (the last number anywhere, {@code flexible-extract}) and MATH's last {@code \boxed{...}}. Numbers are
 * compared in a canonical form, so {@code 1,234}, {@code $1234.00} and {@code 1234} are one answer.
 */
public final class MathAnswers {

    /** Which reading of a completion an evaluation scores; configs name it. */
    public enum Extraction {
        STRICT, FLEXIBLE, BOXED;

        public Optional<String> extract(String text) {
            return switch (this) {
                case STRICT -> strict(text);
                case FLEXIBLE -> flexible(text);
                case BOXED -> boxed(text);
            };
        }

        /** The name on the command line and in results. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A sign and a dollar sign in either order ("-$5", "$-5"), but one of each at most. */
    private static final String SIGN = "(?:[-+]\\$?|\\$[-+]?)?";
    /**
     * Thousands commas only in groups of three, so a list written "1,2,3" is three numbers rather than 123; a
     * period followed by no digit ends a sentence and is not part of the number.
     */
    private static final String MAGNITUDE = "(?:(?:\\d{1,3}(?:,\\d{3})+(?!\\d)|\\d+)(?:\\.\\d+)?|\\.\\d+)";
    private static final Pattern NUMBER = Pattern.compile(SIGN + MAGNITUDE);
    /** Not inside a word or a dotted run ("x2", "1.2.3"); a minus right after a digit is subtraction, not a sign. */
    private static final Pattern NUMBER_IN_TEXT = Pattern.compile("(?<![\\w.])" + SIGN + MAGNITUDE);
    private static final Pattern AFTER_MARKER = Pattern.compile("[ \\t]*(" + SIGN + MAGNITUDE + ")");
    private static final String MARKER = "####";
    private static final String BOXED = "\\boxed{";

    private MathAnswers() {}

    /**
     * The number right after the last {@code ####}; empty when there is no marker or no number follows the last
     * one: an earlier marker is not a fallback, since a model that wrote a second one changed its answer.
     */
    public static Optional<String> strict(String text) {
        int marker = text.lastIndexOf(MARKER);
        if (marker < 0) {
            return Optional.empty();
        }
        Matcher m = AFTER_MARKER.matcher(text).region(marker + MARKER.length(), text.length());
        return m.lookingAt() ? normalize(m.group(1)) : Optional.empty();
    }

    /** The last number in the text, wherever it stands; text the model writes after its answer can displace it. */
    public static Optional<String> flexible(String text) {
        Matcher m = NUMBER_IN_TEXT.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        return last == null ? Optional.empty() : normalize(last);
    }

    /**
     * The contents of the last {@code \boxed{...}}, braces balanced so {@code \boxed{\frac{1}{2}}} keeps its
     * fraction; a number in canonical form, anything else trimmed as written. Empty when the box never closes.
     */
    public static Optional<String> boxed(String text) {
        int open = text.lastIndexOf(BOXED);
        if (open < 0) {
            return Optional.empty();
        }
        int start = open + BOXED.length();
        int depth = 1;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                String content = text.substring(start, i).strip();
                // LaTeX writes a dollar as \$ and thousands as {,} or a thin space \,
                String plain = content.replace("\\$", "$").replace("{,}", ",").replace("\\,", ",");
                return Optional.of(normalize(plain).orElse(content));
            }
        }
        return Optional.empty();
    }

    /**
     * The canonical form of a number: no thousands commas, dollar sign, plus sign or sentence-ending period, no
     * trailing fractional zeros ("12.50" is "12.5", "12.0" is "12"), the minus sign kept. Empty if not a number.
     */
    public static Optional<String> normalize(String number) {
        String s = number.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!NUMBER.matcher(s).matches()) {
            return Optional.empty();
        }
        BigDecimal value = new BigDecimal(s.replaceAll("[^0-9.]", ""));
        return Optional.of((s.indexOf('-') >= 0 ? value.negate() : value).stripTrailingZeros().toPlainString());
    }

    /**
     * Whether an extracted answer is the reference: equal as numbers when both are numbers, else equal as trimmed
     * text (a boxed {@code \frac{1}{2}}). Nothing extracted never matches.
     */
    public static boolean matches(Optional<String> extracted, String reference) {
        return extracted.map(e -> canonical(e).equals(canonical(reference))).orElse(false);
    }

    /** The form answers are compared in: a number's {@link #normalize}d form, anything else trimmed. */
    public static String canonical(String answer) {
        return normalize(answer).orElse(answer.strip());
    }
}
