package dev.phi4j.core.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * How a tokenizer cuts a text: compression (bytes and characters per token), how much of the vocabulary
 * the text uses, and its most frequent tokens. Text is encoded as ordinary text, as the pipeline does.
 *
 * @param characters     Unicode code points, so an emoji counts once
 * @param distinctTokens ids that occur at least once
 * @param top            the most frequent tokens, most frequent first, ties by id
 */
public record TokenizerStats(String tokenizer, int vocabSize, long bytes, long characters, long tokens,
                             int distinctTokens, List<TokenCount> top) {

    /** @param text the token's bytes as readable text: quoted, with escapes for control and broken UTF-8 */
    public record TokenCount(int id, long count, String text) {}

    public TokenizerStats {
        top = List.copyOf(top);
    }

    public static TokenizerStats of(Tokenizer tokenizer, String text, int topN) {
        Counter counter = new Counter(tokenizer);
        counter.add(text);
        return counter.stats(topN);
    }

    /** Each file is read as UTF-8 and encoded as one document. */
    public static TokenizerStats of(Tokenizer tokenizer, List<Path> files, int topN) throws IOException {
        Counter counter = new Counter(tokenizer);
        for (Path file : files) {
            counter.add(Files.readString(file));
        }
        return counter.stats(topN);
    }

    public double bytesPerToken() {
        return tokens == 0 ? 0 : (double) bytes / tokens;
    }

    public double charactersPerToken() {
        return tokens == 0 ? 0 : (double) characters / tokens;
    }

    public double vocabularyFractionUsed() {
        return (double) distinctTokens / vocabSize;
    }

    /** A plain-text table for a terminal. */
    public String render() {
        StringBuilder out = new StringBuilder();
        line(out, "tokenizer", tokenizer);
        line(out, "vocabulary", format("%,d", vocabSize));
        line(out, "bytes (UTF-8)", format("%,d", bytes));
        line(out, "characters", format("%,d", characters));
        line(out, "tokens", format("%,d", tokens));
        line(out, "bytes/token", format("%.3f", bytesPerToken()));
        line(out, "characters/token", format("%.3f", charactersPerToken()));
        line(out, "distinct tokens",
                format("%,d (%.2f%% of the vocabulary)", distinctTokens, 100 * vocabularyFractionUsed()));
        if (top.isEmpty()) {
            return out.toString();
        }
        out.append('\n').append("top ").append(top.size()).append(" tokens\n");
        String[] header = {"rank", "id", "count", "share", "text"};
        List<String[]> rows = new ArrayList<>();
        for (int rank = 0; rank < top.size(); rank++) {
            TokenCount t = top.get(rank);
            rows.add(new String[] {String.valueOf(rank + 1), String.valueOf(t.id()), format("%,d", t.count()),
                    format("%.2f%%", 100.0 * t.count() / tokens), t.text()});
        }
        int[] widths = IntStream.range(0, header.length)
                .map(c -> Math.max(header[c].length(), rows.stream().mapToInt(r -> r[c].length()).max().orElse(0)))
                .toArray();
        tableRow(out, header, widths);
        rows.forEach(row -> tableRow(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "%-18s %s%n", label, value));
    }

    /** Numbers right-aligned, the last column (token text) left-aligned so it is not padded into quotes. */
    private static void tableRow(StringBuilder out, String[] cells, int[] widths) {
        for (int c = 0; c < cells.length - 1; c++) {
            out.append(" ".repeat(widths[c] - cells[c].length())).append(cells[c]).append("  ");
        }
        out.append(cells[cells.length - 1]).append('\n');
    }

    private static String format(String pattern, Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }

    /** Shows a token so that a terminal neither hides nor breaks it: " the", "\n\n", "\xE2\x80". */
    static String readable(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return "\"" + BpeFile.escape(bytes).replace("\\x20", " ") + "\"";
        }
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format(Locale.ROOT, "\\u%04X", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }

    /** Accumulates token counts over any number of texts. */
    private static final class Counter {
        private final Tokenizer tokenizer;
        private final long[] counts;
        private long characters;
        private long tokens;

        Counter(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
            this.counts = new long[tokenizer.vocabSize()];
        }

        void add(String text) {
            characters += text.codePointCount(0, text.length());
            for (int id : tokenizer.encode(text)) {
                counts[id]++;
                tokens++;
            }
        }

        /** Bytes are counted from the tokens, so they are exactly the bytes that were tokenized. */
        TokenizerStats stats(int topN) {
            long bytes = 0;
            int distinct = 0;
            for (int id = 0; id < counts.length; id++) {
                if (counts[id] > 0) {
                    bytes += counts[id] * tokenizer.tokenBytes(id).length;
                    distinct++;
                }
            }
            List<TokenCount> top = IntStream.range(0, counts.length)
                    .filter(id -> counts[id] > 0)
                    .boxed()
                    .sorted(Comparator.comparingLong((Integer id) -> counts[id]).reversed().thenComparing(id -> id))
                    .limit(topN)
                    .map(id -> new TokenCount(id, counts[id], readable(tokenizer.tokenBytes(id))))
                    .toList();
            return new TokenizerStats(
                    tokenizer.name(), tokenizer.vocabSize(), bytes, characters, tokens, distinct, top);
        }
    }
}
