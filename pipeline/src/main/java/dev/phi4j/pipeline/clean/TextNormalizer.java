package dev.phi4j.pipeline.clean;

import java.text.Normalizer;

/**
 * Unicode and whitespace normalisation before the quality rules: NFC, one line ending, no control characters, no
 * trailing spaces, at most one blank line in a row, and optionally single spaces inside lines.
 */
final class TextNormalizer {

    private TextNormalizer() {}

    static String normalize(String text, boolean nfc, boolean collapseSpaces) {
        String composed = nfc ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
        StringBuilder out = new StringBuilder(composed.length());
        int blankRun = 0;
        for (String line : composed.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            String cleaned = cleanLine(line, collapseSpaces);
            if (cleaned.isEmpty()) {
                blankRun++;
                continue;
            }
            if (out.length() > 0) {
                out.append(blankRun > 0 ? "\n\n" : "\n");
            }
            out.append(cleaned);
            blankRun = 0;
        }
        return out.toString();
    }

    private static String cleanLine(String line, boolean collapseSpaces) {
        StringBuilder out = new StringBuilder(line.length());
        boolean space = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            boolean horizontalSpace = c == ' ' || c == '\t' || c == '\u00A0' || c == '\u2007' || c == '\u202F'
                    || Character.getType(c) == Character.SPACE_SEPARATOR;
            if (Character.isISOControl(c) && c != '\t') {
                continue;
            }
            if (c == '\u200B' || c == '\uFEFF' || c == '\u00AD') {
                continue;
            }
            if (collapseSpaces && horizontalSpace) {
                space = out.length() > 0;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        int end = out.length();
        while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
            end--;
        }
        out.setLength(end);
        return out.toString();
    }
}
