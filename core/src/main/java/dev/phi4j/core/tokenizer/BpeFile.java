package dev.phi4j.core.tokenizer;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code phi4j-bpe} file format, version 1: plain text, so a tokenizer can be read, diffed and reviewed.
 *
 * <pre>
 * phi4j-bpe 1
 * vocab_size 300
 * pattern (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|…
 * special 290 &lt;|endoftext|&gt;
 * special 291 &lt;|im_start|&gt;
 * special 292 &lt;|im_sep|&gt;
 * special 293 &lt;|im_end|&gt;
 * special 294 &lt;|dummy_0|&gt;
 * …
 * merges 34
 * \x20 t
 * h e
 * \x20t he
 * …
 * </pre>
 *
 * A token is written as its bytes: printable ASCII as itself, except space ({@code \x20}) and backslash
 * ({@code \\}); any other byte as {@code \xNN}. A merge line is its two tokens separated by one space; the
 * n-th merge line makes id 256 + n - 1. The special lines repeat the fixed layout of {@link BpeTokenizer} so
 * that the file alone says which id is which; the reader checks them.
 */
final class BpeFile {

    static final String MAGIC = "phi4j-bpe";
    static final int VERSION = 1;

    private BpeFile() {}

    static void write(BpeTokenizer tokenizer, Path file) throws IOException {
        Files.writeString(file, format(tokenizer), StandardCharsets.UTF_8);
    }

    static String format(BpeTokenizer tokenizer) {
        StringBuilder text = new StringBuilder();
        text.append(MAGIC).append(' ').append(VERSION).append('\n');
        text.append("vocab_size ").append(tokenizer.vocabSize()).append('\n');
        text.append("pattern ").append(tokenizer.preTokenizerPattern()).append('\n');
        tokenizer.specialTokens().ids().forEach((token, id) -> text.append("special ").append(id).append(' ')
                .append(escape(token.getBytes(StandardCharsets.UTF_8))).append('\n'));
        text.append("merges ").append(tokenizer.merges().size()).append('\n');
        for (BpeMerge merge : tokenizer.merges()) {
            text.append(escape(tokenizer.tokenBytes(merge.left()))).append(' ')
                    .append(escape(tokenizer.tokenBytes(merge.right()))).append('\n');
        }
        return text.toString();
    }

    static String escape(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            if (b == '\\') {
                text.append("\\\\");
            } else if (b > ' ' && b < 0x7F) {
                text.append((char) b);
            } else {
                text.append("\\x").append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return text.toString();
    }

    /** @throws IllegalArgumentException saying what is wrong with the text */
    static byte[] unescape(String text) {
        byte[] bytes = new byte[text.length()];
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && text.startsWith("\\\\", i)) {
                bytes[length++] = '\\';
                i++;
            } else if (c == '\\' && text.startsWith("\\x", i) && i + 4 <= text.length()
                    && isHexDigit(text.charAt(i + 2)) && isHexDigit(text.charAt(i + 3))) {
                bytes[length++] = (byte) HexFormat.fromHexDigits(text, i + 2, i + 4);
                i += 3;
            } else if (c == '\\') {
                throw new IllegalArgumentException("bad escape at '" + text.substring(i, Math.min(i + 4, text.length()))
                        + "' (only \\\\ and \\xNN are escapes)");
            } else if (c > ' ' && c < 0x7F) {
                bytes[length++] = (byte) c;
            } else {
                throw new IllegalArgumentException(String.format(
                        "character U+%04X must be written as its UTF-8 bytes, \\xNN each", (int) c));
            }
        }
        return Arrays.copyOf(bytes, length);
    }

    private static boolean isHexDigit(char c) {
        return Character.digit(c, 16) >= 0;
    }

    static BpeTokenizer read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new IOException(file + ": not a phi4j-bpe tokenizer file (not UTF-8 text)", e);
        }
        return new Reader(file, lines).tokenizer();
    }

    /** Walks the lines once, keeping the line number for errors. */
    private static final class Reader {
        private final Path file;
        private final List<String> lines;
        private int lineNumber;

        Reader(Path file, List<String> lines) {
            this.file = file;
            this.lines = lines;
        }

        BpeTokenizer tokenizer() throws IOException {
            String header = next("the header '" + MAGIC + " " + VERSION + "'");
            if (header.startsWith(MAGIC + " ") && !header.equals(MAGIC + " " + VERSION)) {
                throw error("unsupported version '" + header.substring(MAGIC.length() + 1)
                        + "'; this build reads " + MAGIC + " " + VERSION);
            }
            if (!header.equals(MAGIC + " " + VERSION)) {
                throw error("not a phi4j-bpe tokenizer file: expected '" + MAGIC + " " + VERSION + "', found '"
                        + abbreviate(header) + "'");
            }
            int vocabSize = integer(value("vocab_size"), "vocab_size");
            if (vocabSize < BpeTokenizer.MIN_VOCAB_SIZE || vocabSize > BpeTokenizer.MAX_VOCAB_SIZE) {
                throw error("vocab_size " + vocabSize + " is outside " + BpeTokenizer.MIN_VOCAB_SIZE + ".."
                        + BpeTokenizer.MAX_VOCAB_SIZE);
            }
            String pattern = value("pattern");
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw error("the pattern is not a valid regular expression: " + e.getDescription());
            }
            List<String> specialLines = new ArrayList<>();
            String line = next("'special <id> <token>' or 'merges <count>'");
            while (line.startsWith("special ")) {
                specialLines.add(line);
                line = next("'special <id> <token>' or 'merges <count>'");
            }
            if (!line.startsWith("merges ")) {
                throw error("expected 'special <id> <token>' or 'merges <count>', found '" + abbreviate(line) + "'");
            }
            int mergeCount = integer(line.substring("merges ".length()), "merges");
            int specialsLine = lineNumber - specialLines.size();
            checkSpecials(specialLines, specialsLine, mergeCount, vocabSize);
            List<BpeMerge> merges = readMerges(mergeCount);
            if (lineNumber < lines.size()) {
                lineNumber++;
                throw error("unexpected text after the " + mergeCount + " merges");
            }
            return new BpeTokenizer(vocabSize, pattern, merges);
        }

        private void checkSpecials(List<String> specialLines, int firstLine, int mergeCount, int vocabSize)
                throws IOException {
            int firstId = BpeTokenizer.BYTE_TOKENS + mergeCount;
            if (mergeCount < 0 || firstId + specialLines.size() != vocabSize) {
                throw error("256 bytes + " + mergeCount + " merges + " + specialLines.size()
                        + " special tokens do not add up to vocab_size " + vocabSize);
            }
            int n = 0;
            for (Map.Entry<String, Integer> expected : BpeTokenizer.specialIds(firstId, vocabSize).entrySet()) {
                String wanted = "special " + expected.getValue() + " "
                        + escape(expected.getKey().getBytes(StandardCharsets.UTF_8));
                if (!specialLines.get(n).equals(wanted)) {
                    lineNumber = firstLine + n;
                    throw error("expected '" + wanted + "' (the special tokens follow the merges in a fixed order),"
                            + " found '" + abbreviate(specialLines.get(n)) + "'");
                }
                n++;
            }
            lineNumber = firstLine + specialLines.size();
        }

        /** Tokens are named by their bytes, which are unique: the trainer never makes a token twice. */
        private List<BpeMerge> readMerges(int mergeCount) throws IOException {
            Map<String, Integer> idByBytes = new HashMap<>();
            for (int b = 0; b < BpeTokenizer.BYTE_TOKENS; b++) {
                idByBytes.put(key(new byte[] {(byte) b}), b);
            }
            List<BpeMerge> merges = new ArrayList<>(mergeCount);
            for (int k = 0; k < mergeCount; k++) {
                String line = next("merge " + (k + 1) + " of " + mergeCount);
                String[] sides = line.split(" ", -1);
                if (sides.length != 2 || sides[0].isEmpty() || sides[1].isEmpty()) {
                    throw error("a merge is two tokens separated by one space, found '" + abbreviate(line) + "'");
                }
                int leftId = tokenId(sides[0], idByBytes);
                int rightId = tokenId(sides[1], idByBytes);
                byte[] joined = bytes(sides[0] + sides[1]);
                Integer existing = idByBytes.putIfAbsent(key(joined), BpeTokenizer.BYTE_TOKENS + k);
                if (existing != null) {
                    throw error("merge makes '" + escape(joined) + "', which token " + existing + " already is");
                }
                merges.add(new BpeMerge(leftId, rightId));
            }
            return merges;
        }

        private int tokenId(String escaped, Map<String, Integer> idByBytes) throws IOException {
            Integer id = idByBytes.get(key(bytes(escaped)));
            if (id == null) {
                throw error("token '" + escaped + "' is neither a byte nor made by an earlier merge");
            }
            return id;
        }

        private byte[] bytes(String escaped) throws IOException {
            try {
                return unescape(escaped);
            } catch (IllegalArgumentException e) {
                throw error(e.getMessage());
            }
        }

        /** Bytes as a string of chars 0..255, one per byte: a map key with value equality. */
        private static String key(byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        private String next(String expected) throws IOException {
            if (lineNumber >= lines.size()) {
                lineNumber++;
                throw error("the file ends where " + expected + " should be");
            }
            return lines.get(lineNumber++);
        }

        private String value(String key) throws IOException {
            String line = next("'" + key + " …'");
            if (!line.startsWith(key + " ")) {
                throw error("expected '" + key + " …', found '" + abbreviate(line) + "'");
            }
            return line.substring(key.length() + 1);
        }

        private int integer(String text, String key) throws IOException {
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw error(key + " must be a whole number, found '" + abbreviate(text) + "'");
            }
        }

        private IOException error(String problem) {
            return new IOException(file + ":" + lineNumber + ": " + problem);
        }

        private static String abbreviate(String line) {
            return line.length() <= 60 ? line : line.substring(0, 57) + "...";
        }
    }
}
