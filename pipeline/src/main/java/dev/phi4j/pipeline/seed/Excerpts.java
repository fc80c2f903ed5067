package dev.phi4j.pipeline.seed;

import dev.phi4j.core.schema.SeedKind;
import dev.phi4j.core.schema.SourceClass;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts a document into candidate seed excerpts. The cuts follow the text's own structure so an excerpt reads on its
 * own: paragraphs for prose, top-level definitions for code, the whole text for a question or a programming problem.
 */
final class Excerpts implements java.io.Serializable {

    /** Metadata key that marks a programming problem: it carries its tests and must stay whole to run them. */
    static final String TEST_KEY = "test";

    private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?。](?=\\s)");
    private static final Pattern PYTHON_DEFINITION = Pattern.compile("^(?:async\\s+def|def|class)\\s+\\w+",
            Pattern.MULTILINE);
    private static final Pattern BRACE_DEFINITION = Pattern.compile(
            "^[ \\t]*(?:(?:public|private|protected|static|final|abstract|export|async|inline|const)\\s+)*"
                    + "(?:class|interface|struct|enum|function|fn|func|[\\w<>\\[\\],.]+)\\s+\\w+\\s*\\([^;{}]*\\)?[^;{}]*\\{",
            Pattern.MULTILINE);

    private final int minChars;
    private final int maxChars;

    Excerpts(int minChars, int maxChars) {
        this.minChars = minChars;
        this.maxChars = maxChars;
    }

    List<Excerpt> of(String text, SourceClass sourceClass, boolean hasTests) {
        if (text.isBlank()) {
            return List.of();
        }
        return switch (sourceClass) {
            case QA -> List.of(new Excerpt(0, text.length(), SeedKind.QUESTION));
            case CODE -> hasTests ? List.of(new Excerpt(0, text.length(), SeedKind.CODE)) : code(text);
            default -> passages(text);
        };
    }

    /** Consecutive paragraphs joined until at least {@code minChars}; a paragraph over {@code maxChars} cut at sentences. */
    List<Excerpt> passages(String text) {
        List<int[]> pieces = new ArrayList<>();
        int start = 0;
        Matcher breaks = PARAGRAPH_BREAK.matcher(text);
        while (start < text.length()) {
            int end = breaks.find(start) ? breaks.start() : text.length();
            int next = end == text.length() ? end : breaks.end();
            pieces.addAll(sentenceCuts(text, start, end));
            start = next;
        }
        List<Excerpt> excerpts = new ArrayList<>();
        int from = -1;
        int to = -1;
        for (int[] piece : pieces) {
            int[] trimmed = trim(text, piece[0], piece[1]);
            if (trimmed[0] >= trimmed[1]) {
                continue;
            }
            if (from >= 0 && trimmed[1] - from > maxChars) {
                add(excerpts, from, to);
                from = -1;
            }
            if (from < 0) {
                from = trimmed[0];
            }
            to = trimmed[1];
            if (to - from >= minChars) {
                add(excerpts, from, to);
                from = -1;
            }
        }
        if (from >= 0) {
            add(excerpts, from, to);
        }
        return excerpts;
    }

    private void add(List<Excerpt> excerpts, int from, int to) {
        if (to - from >= minChars) {
            excerpts.add(new Excerpt(from, to, SeedKind.PASSAGE));
        }
    }

    /** {@code [start, end)} as one piece, or cut after sentence ends so no piece exceeds {@code maxChars}. */
    private List<int[]> sentenceCuts(String text, int start, int end) {
        if (end - start <= maxChars) {
            return List.of(new int[] {start, end});
        }
        List<int[]> cuts = new ArrayList<>();
        Matcher ends = SENTENCE_END.matcher(text).region(start, end);
        int pieceStart = start;
        int lastEnd = -1;
        while (ends.find()) {
            int sentenceEnd = ends.end();
            if (sentenceEnd - pieceStart > maxChars && lastEnd > pieceStart) {
                cuts.add(new int[] {pieceStart, lastEnd});
                pieceStart = lastEnd;
            }
            lastEnd = sentenceEnd;
        }
        while (end - pieceStart > maxChars) {
            cuts.add(new int[] {pieceStart, pieceStart + maxChars});
            pieceStart += maxChars;
        }
        cuts.add(new int[] {pieceStart, end});
        return cuts;
    }

    /** Top-level Python definitions (to the next line at indentation 0), or brace-delimited ones in C-like code. */
    List<Excerpt> code(String text) {
        List<Excerpt> excerpts = new ArrayList<>();
        Matcher python = PYTHON_DEFINITION.matcher(text);
        while (python.find()) {
            int end = pythonBlockEnd(text, python.start());
            addCode(excerpts, text, python.start(), end);
        }
        if (excerpts.isEmpty()) {
            Matcher braces = BRACE_DEFINITION.matcher(text);
            int from = 0;
            while (from < text.length() && braces.find(from)) {
                int end = matchingBrace(text, braces.end() - 1);
                if (end < 0) {
                    break;
                }
                int lineStart = text.lastIndexOf('\n', braces.start()) + 1;
                addCode(excerpts, text, lineStart, end + 1);
                from = end + 1;
            }
        }
        if (excerpts.isEmpty() && text.length() <= maxChars && text.strip().length() >= minChars) {
            int[] trimmed = trim(text, 0, text.length());
            excerpts.add(new Excerpt(trimmed[0], trimmed[1], SeedKind.CODE));
        }
        return excerpts;
    }

    private void addCode(List<Excerpt> excerpts, String text, int start, int end) {
        int[] trimmed = trim(text, start, end);
        int length = trimmed[1] - trimmed[0];
        if (length >= minChars && length <= maxChars) {
            excerpts.add(new Excerpt(trimmed[0], trimmed[1], SeedKind.CODE));
        }
    }

    private static int pythonBlockEnd(String text, int start) {
        int lineEnd = text.indexOf('\n', start);
        while (lineEnd >= 0 && lineEnd + 1 < text.length()) {
            int next = lineEnd + 1;
            char first = text.charAt(next);
            boolean blank = first == '\n' || first == '\r';
            if (!blank && first != ' ' && first != '\t' && first != ')' && first != ']' && first != '}') {
                return next;
            }
            lineEnd = text.indexOf('\n', next);
        }
        return text.length();
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int[] trim(String text, int start, int end) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new int[] {start, end};
    }
}
