package dev.phi4j.pipeline.clean;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies {@link QualityRules} to a normalised text and names the first rule it breaks (in the order the rules
 * are declared), or null when it passes. The repetition measures follow Gopher: duplicate n-gram fractions count
 * the characters of words covered by every occurrence of an n-gram after its first.
 */
final class TextQuality {

    private static final Set<String> STOP_WORDS = Set.of("the", "be", "to", "of", "and", "that", "have", "with");
    private static final Set<Character> BULLETS = Set.of('•', '●', '◦', '▪', '‣', '·', '-', '*', '–', '○', '■');

    private TextQuality() {}

    static String firstViolation(String text, QualityRules rules) {
        if (text.length() < rules.minChars()) {
            return "too_short";
        }
        if (text.length() > rules.maxChars()) {
            return "too_long";
        }
        String[] lines = text.split("\n");
        int longest = 0;
        for (String line : lines) {
            longest = Math.max(longest, line.length());
        }
        if (longest > rules.maxLineLength()) {
            return "long_lines";
        }
        if (rules.minAlphanumericFraction() > 0 && alphanumericFraction(text) < rules.minAlphanumericFraction()) {
            return "alphanumeric_fraction";
        }
        String[] words = text.isBlank() ? new String[0] : text.strip().split("\\s+");
        if (words.length < rules.minWords()) {
            return "too_few_words";
        }
        if (words.length > rules.maxWords()) {
            return "too_many_words";
        }
        long wordChars = 0;
        int alphaWords = 0;
        int stopWords = 0;
        for (String word : words) {
            wordChars += word.length();
            if (word.chars().anyMatch(Character::isLetter)) {
                alphaWords++;
            }
            if (STOP_WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                stopWords++;
            }
        }
        if (words.length > 0) {
            double mean = (double) wordChars / words.length;
            if (mean < rules.minMeanWordLength() || mean > rules.maxMeanWordLength()) {
                return "mean_word_length";
            }
            if (symbols(text) / (double) words.length > rules.maxSymbolWordRatio()) {
                return "symbol_word_ratio";
            }
        }
        int bulletLines = 0;
        int ellipsisLines = 0;
        for (String line : lines) {
            String stripped = line.strip();
            if (!stripped.isEmpty() && BULLETS.contains(stripped.charAt(0))) {
                bulletLines++;
            }
            if (stripped.endsWith("...") || stripped.endsWith("…")) {
                ellipsisLines++;
            }
        }
        if ((double) bulletLines / lines.length > rules.maxBulletLineFraction()) {
            return "bullet_lines";
        }
        if ((double) ellipsisLines / lines.length > rules.maxEllipsisLineFraction()) {
            return "ellipsis_lines";
        }
        if (words.length > 0 && (double) alphaWords / words.length < rules.minAlphaWordFraction()) {
            return "alpha_words";
        }
        if (stopWords < rules.minStopWords()) {
            return "stop_words";
        }
        double[] lineRepeats = repeated(List.of(lines), text.length());
        if (lineRepeats[0] > rules.maxDuplicateLineFraction()) {
            return "duplicate_lines";
        }
        if (lineRepeats[1] > rules.maxDuplicateLineCharFraction()) {
            return "duplicate_line_chars";
        }
        double[] paragraphRepeats = repeated(List.of(text.split("\n\n+")), text.length());
        if (paragraphRepeats[0] > rules.maxDuplicateParagraphFraction()) {
            return "duplicate_paragraphs";
        }
        if (paragraphRepeats[1] > rules.maxDuplicateParagraphCharFraction()) {
            return "duplicate_paragraph_chars";
        }
        if (wordChars == 0) {
            return null;
        }
        double[] topLimits = {rules.maxTop2gramFraction(), rules.maxTop3gramFraction(), rules.maxTop4gramFraction()};
        for (int n = 2; n <= 4; n++) {
            if (topLimits[n - 2] < 1 && topNgramFraction(words, n, wordChars) > topLimits[n - 2]) {
                return "top_" + n + "gram";
            }
        }
        for (int n = 5; n <= 10; n++) {
            double limit = rules.maxDuplicate5gramFraction() - 0.01 * (n - 5);
            if (rules.maxDuplicate5gramFraction() < 1 && duplicateNgramFraction(words, n, wordChars) > limit) {
                return "duplicate_" + n + "gram";
            }
        }
        return null;
    }

    private static double alphanumericFraction(String text) {
        long visible = 0;
        long alphanumeric = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                visible++;
                if (Character.isLetterOrDigit(c)) {
                    alphanumeric++;
                }
            }
        }
        return visible == 0 ? 0 : (double) alphanumeric / visible;
    }

    private static int symbols(String text) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '#' || c == '…') {
                count++;
            } else if (c == '.' && text.startsWith("...", i)) {
                count++;
                i += 2;
            }
        }
        return count;
    }

    /** {fraction of items repeating an earlier item, fraction of characters in those repeats}. */
    private static double[] repeated(List<String> items, int totalChars) {
        Set<String> seen = new HashSet<>();
        int repeats = 0;
        long repeatChars = 0;
        int counted = 0;
        for (String item : items) {
            String key = item.strip();
            if (key.isEmpty()) {
                continue;
            }
            counted++;
            if (!seen.add(key)) {
                repeats++;
                repeatChars += key.length();
            }
        }
        return new double[] {counted == 0 ? 0 : (double) repeats / counted,
                totalChars == 0 ? 0 : (double) repeatChars / totalChars};
    }

    private static double topNgramFraction(String[] words, int n, long wordChars) {
        if (words.length < n) {
            return 0;
        }
        Map<String, Integer> counts = new HashMap<>();
        String top = null;
        int topCount = 0;
        for (int i = 0; i + n <= words.length; i++) {
            String gram = String.join(" ", java.util.Arrays.copyOfRange(words, i, i + n)).toLowerCase(
                    java.util.Locale.ROOT);
            int count = counts.merge(gram, 1, Integer::sum);
            if (count > topCount) {
                topCount = count;
                top = gram;
            }
        }
        if (topCount < 2) {
            return 0;
        }
        return (double) (top.length() - (n - 1)) * topCount / wordChars;
    }

    private static double duplicateNgramFraction(String[] words, int n, long wordChars) {
        if (words.length < n) {
            return 0;
        }
        Set<String> seen = new HashSet<>();
        boolean[] covered = new boolean[words.length];
        for (int i = 0; i + n <= words.length; i++) {
            String gram = String.join(" ", java.util.Arrays.copyOfRange(words, i, i + n)).toLowerCase(
                    java.util.Locale.ROOT);
            if (!seen.add(gram)) {
                for (int j = i; j < i + n; j++) {
                    covered[j] = true;
                }
            }
        }
        long chars = 0;
        for (int i = 0; i < words.length; i++) {
            if (covered[i]) {
                chars += words[i].length();
            }
        }
        return (double) chars / wordChars;
    }
}
