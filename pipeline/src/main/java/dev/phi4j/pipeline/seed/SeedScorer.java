package dev.phi4j.pipeline.seed;

import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SeedTags;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heuristic tags and educational value of an excerpt, for when no teacher grades seeds. Each signal is simple and
 * inspectable, so a user tuning the markers can see why a passage ranked where it did:
 * <ul>
 *   <li>educational value: explanation and reasoning markers per 100 words, sentences of textbook length (8–35
 *       words), mostly alphabetic words, numbers; minus boilerplate markers. Code: comments and docstrings, control
 *       flow, tests. Questions: quantities to combine and a question mark;</li>
 *   <li>reasoning steps: reasoning markers, plus for questions the quantities beyond the first and for code the
 *       branches and loops;</li>
 *   <li>complexity: mean word length and sentence length, each in bands;</li>
 *   <li>factual obscurity: the share of capitalised words inside sentences (names, places) and of long words.</li>
 * </ul>
 */
final class SeedScorer implements Serializable {

    record Score(SeedTags tags, double educationalValue) {}

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’-]*");
    private static final Pattern SENTENCE = Pattern.compile("[^.!?\\n]+[.!?]?");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\p{L}])\\d+(?:[.,]\\d+)*");
    private static final Pattern CONTROL_FLOW = Pattern.compile("\\b(?:if|elif|else|for|while|switch|case|try|catch)\\b");
    private static final Pattern COMMENT = Pattern.compile("(?m)^\\s*(?:#|//|/\\*|\\*|\"\"\"|''')");

    private final List<Pattern> reasoningMarkers;
    private final List<Pattern> boilerplateMarkers;

    SeedScorer(List<String> reasoningMarkers, List<String> boilerplateMarkers) {
        this.reasoningMarkers = wordPatterns(reasoningMarkers);
        this.boilerplateMarkers = wordPatterns(boilerplateMarkers);
    }

    private static List<Pattern> wordPatterns(List<String> markers) {
        return markers.stream().map(m -> Pattern.compile("\\b" + Pattern.quote(m.toLowerCase(Locale.ROOT)) + "\\b"))
                .toList();
    }

    Score score(String text, SeedKind kind, boolean hasTests) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> words = WORD.matcher(text).results().map(MatchResult::group).toList();
        int wordCount = Math.max(1, words.size());
        int reasoning = occurrences(lower, reasoningMarkers);
        int boilerplate = occurrences(lower, boilerplateMarkers);
        int numbers = (int) NUMBER.matcher(text).results().count();
        double per100 = 100.0 / wordCount;

        double value;
        int steps;
        switch (kind) {
            case CODE -> {
                int lines = Math.max(1, (int) text.lines().count());
                int branches = (int) CONTROL_FLOW.matcher(text).results().count();
                double commented = Math.min(1, COMMENT.matcher(text).results().count() * 4.0 / lines);
                value = 0.35 * commented + 0.35 * Math.min(1, branches / 4.0) + (hasTests ? 0.3 : 0.1);
                steps = branches + reasoning;
            }
            case QUESTION -> {
                value = 0.4 * Math.min(1, numbers / 3.0) + (text.contains("?") ? 0.3 : 0)
                        + 0.3 * Math.min(1, reasoning * per100 / 2 + wordCount / 60.0);
                steps = Math.max(0, numbers - 1) + reasoning;
            }
            default -> {
                double alphabetic = words.stream().filter(w -> Character.isLetter(w.charAt(0))).count()
                        / (double) wordCount;
                double sentenceWords = meanSentenceWords(text);
                double textbookLength = sentenceWords >= 8 && sentenceWords <= 35 ? 1 : 0.4;
                value = 0.35 * Math.min(1, reasoning * per100 / 1.5) + 0.25 * textbookLength + 0.25 * alphabetic
                        + 0.15 * Math.min(1, numbers * per100 / 2) - 0.25 * Math.min(1, boilerplate * per100);
                steps = reasoning;
            }
        }
        return new Score(new SeedTags(complexity(words, text), obscurity(text, words), steps), clamp(value));
    }

    private static int complexity(List<String> words, String text) {
        double meanLength = words.stream().mapToInt(String::length).average().orElse(0);
        double sentenceWords = meanSentenceWords(text);
        int byWords = meanLength < 4 ? 1 : meanLength < 4.7 ? 2 : meanLength < 5.4 ? 3 : meanLength < 6.2 ? 4 : 5;
        int bySentences = sentenceWords < 10 ? 1 : sentenceWords < 16 ? 2 : sentenceWords < 22 ? 3
                : sentenceWords < 30 ? 4 : 5;
        return Math.round((byWords + bySentences) / 2.0f);
    }

    private static int obscurity(String text, List<String> words) {
        int inner = 0;
        int capitalised = 0;
        for (String sentence : SENTENCE.matcher(text).results().map(MatchResult::group).toList()) {
            List<String> sentenceWords = WORD.matcher(sentence).results().map(MatchResult::group).toList();
            for (int i = 1; i < sentenceWords.size(); i++) {
                inner++;
                if (Character.isUpperCase(sentenceWords.get(i).charAt(0))) {
                    capitalised++;
                }
            }
        }
        double names = inner == 0 ? 0 : capitalised / (double) inner;
        double longWords = words.isEmpty() ? 0 : words.stream().filter(w -> w.length() >= 11).count()
                / (double) words.size();
        double signal = names + 2 * longWords;
        return signal < 0.05 ? 1 : signal < 0.12 ? 2 : signal < 0.22 ? 3 : signal < 0.35 ? 4 : 5;
    }

    private static double meanSentenceWords(String text) {
        List<String> sentences = SENTENCE.matcher(text).results().map(MatchResult::group)
                .filter(s -> !s.isBlank()).toList();
        if (sentences.isEmpty()) {
            return 0;
        }
        return sentences.stream().mapToLong(s -> WORD.matcher(s).results().count()).average().orElse(0);
    }

    private static int occurrences(String lower, List<Pattern> markers) {
        int count = 0;
        for (Pattern marker : markers) {
            Matcher matcher = marker.matcher(lower);
            while (matcher.find()) {
                count++;
            }
        }
        return count;
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, Math.round(value * 1000) / 1000.0));
    }
}
