package dev.phi4j.pipeline.synth;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Final answers pulled out of free-form solutions, normalised so that equal answers compare equal: numbers
 * ({@code "#### 1,200"}, {@code \boxed{1200}}, {@code "Answer: $1200."}, else the last number all give {@code 1200}),
 * multiple-choice letters, or the last line.
 */
enum Answers {
    NUMBER {
        @Override
        Optional<String> extract(String solution) {
            for (Pattern marked : List.of(GSM8K, BOXED, ANSWER_LINE)) {
                Optional<String> found = lastNumberIn(lastMatch(marked, solution));
                if (found.isPresent()) {
                    return found;
                }
            }
            return lastNumberIn(solution);
        }
    },
    CHOICE {
        @Override
        Optional<String> extract(String solution) {
            String marked = lastMatch(ANSWER_LINE, solution);
            Matcher letter = CHOICE_LETTER.matcher(marked != null ? marked : solution);
            String last = null;
            while (letter.find()) {
                last = letter.group(1);
            }
            return Optional.ofNullable(last);
        }
    },
    LAST_LINE {
        @Override
        Optional<String> extract(String solution) {
            List<String> lines = solution.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            String line = lines.get(lines.size() - 1).toLowerCase(Locale.ROOT).replaceAll("[\\s.!]+$", "");
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        }
    };

    private static final Pattern GSM8K = Pattern.compile("####\\s*([^\\n]+)");
    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{([^}]*)}");
    private static final Pattern ANSWER_LINE = Pattern.compile("(?i)answer\\s*(?:is)?\\s*[:=]?\\s*([^\\n]+)");
    private static final Pattern NUMBER_TEXT = Pattern.compile("-?\\$?\\d[\\d,]*(?:\\.\\d+)?");
    private static final Pattern CHOICE_LETTER = Pattern.compile("\\(?\\b([A-E])\\b\\)?");

    /** The normalised final answer, or empty when the solution states none this way. */
    abstract Optional<String> extract(String solution);

    private static String lastMatch(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        return last;
    }

    private static Optional<String> lastNumberIn(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = NUMBER_TEXT.matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group();
        }
        if (last == null) {
            return Optional.empty();
        }
        String digits = last.replace("$", "").replace(",", "");
        try {
            BigDecimal value = new BigDecimal(digits).stripTrailingZeros();
            return Optional.of(value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
