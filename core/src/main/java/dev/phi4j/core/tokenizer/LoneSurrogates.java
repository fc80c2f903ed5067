package dev.phi4j.core.tokenizer;

/**
 * A Java string may hold a lone surrogate, which has no UTF-8 encoding. Both tokenizers replace each one
 * with U+FFFD before encoding, so the result does not depend on how a library would have mangled it
 * (jtokkit emits CESU bytes, {@code String.getBytes} emits {@code ?}) and round-trips stay exact for every
 * valid Unicode string.
 */
final class LoneSurrogates {

    static final char REPLACEMENT = '\uFFFD';

    private LoneSurrogates() {}

    /** The text itself when it is valid UTF-16 (the common case, checked without allocating). */
    static String replace(String text) {
        int first = firstLone(text);
        if (first < 0) {
            return text;
        }
        StringBuilder valid = new StringBuilder(text.length()).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isPairAt(text, i)) {
                valid.append(c).append(text.charAt(++i));
            } else {
                valid.append(Character.isSurrogate(c) ? REPLACEMENT : c);
            }
        }
        return valid.toString();
    }

    private static int firstLone(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (isPairAt(text, i)) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isPairAt(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i))
                && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
