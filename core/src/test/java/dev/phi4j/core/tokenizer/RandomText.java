package dev.phi4j.core.tokenizer;

import java.util.List;
import java.util.Random;

/**
 * Seeded random strings that stress tokenizers where they break: byte-level merges across multibyte
 * characters, surrogate pairs, whitespace and newline runs, control characters, very long pieces, and text
 * that looks like special tokens. {@code new RandomText(seed).next()} is the same string on every run.
 */
final class RandomText {

    private static final List<String> EMOJI = List.of(
            "\uD83D\uDE00",                                                     // 😀
            "\uD83D\uDC4D\uD83C\uDFFD",                                         // 👍🏽 thumbs up, medium skin tone
            "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66", // 👨‍👩‍👧‍👦 family, ZWJ sequence
            "\uD83E\uDDD1\uD83C\uDFFF\u200D\uD83D\uDCBB",                       // 🧑🏿‍💻 technologist, dark skin tone
            "\uD83C\uDDEB\uD83C\uDDF7",                                         // 🇫🇷 flag, regional indicators
            "\u2764\uFE0F",                                                     // ❤️ with variation selector
            "\uD83E\uDD17");                                                    // 🤗

    private static final List<String> SPECIAL_LOOKALIKES = List.of(
            "<|im_start|>", "<|im_end|>", "<|im_sep|>", "<|endoftext|>", "<|endofprompt|>", "<|dummy_7|>",
            "<|im_start", "im_start|>", "<||>", "< |im_sep|>", "<|<|im_end|>|>", "<|dummy_100000|>", "<|");

    private static final String ASCII_WORDS = "the of and to in is you that it he was for on are as with his they I at";

    private final Random random;

    RandomText(long seed) {
        random = new Random(seed);
    }

    String next() {
        StringBuilder text = new StringBuilder();
        int fragments = 1 + random.nextInt(8);
        for (int f = 0; f < fragments; f++) {
            appendFragment(text);
        }
        return text.toString();
    }

    private void appendFragment(StringBuilder text) {
        switch (random.nextInt(13)) {
            case 0 -> text.append(pick(ASCII_WORDS.split(" "))).append(random.nextBoolean() ? " " : "");
            case 1 -> text.append(" \t\u000B\f".charAt(random.nextInt(4)) + "").append(" ".repeat(random.nextInt(12)));
            case 2 -> text.append(pick(new String[] {"\n", "\r\n", "\r", "\n\n", " \n ", "\n\n\n\t"}));
            case 3 -> text.append(random.nextInt(10) == 0 ? '\u007F' : (char) random.nextInt(0x20));
            case 4 -> text.append(EMOJI.get(random.nextInt(EMOJI.size())));
            case 5 -> appendRange(text, 0x4E00, 0x9FFF, 1 + random.nextInt(6));             // CJK ideographs
            case 6 -> {
                boolean arabic = random.nextBoolean();
                appendRange(text, arabic ? 0x0621 : 0x05D0, arabic ? 0x064A : 0x05EA, 2 + random.nextInt(8));
            }
            case 7 -> {
                text.append(pick(new String[] {"e", "a", "o", "n"}));
                appendRange(text, 0x0300, 0x036F, 1 + random.nextInt(4));                    // stacked combining marks
            }
            case 8 -> appendRange(text, '0', '9', 1 + random.nextInt(30));
            case 9 -> text.append(SPECIAL_LOOKALIKES.get(random.nextInt(SPECIAL_LOOKALIKES.size())));
            case 10 -> appendAnyCodePoint(text, 1 + random.nextInt(5));
            case 11 -> appendRange(text, '!', '~', 1 + random.nextInt(10));
            default -> {
                if (random.nextInt(8) == 0) {
                    appendLongWord(text);
                } else {
                    appendRange(text, 'a', 'z', 1 + random.nextInt(20));
                }
            }
        }
    }

    /** At least 10,000 characters without a space: one piece for the pre-tokenizer. */
    private void appendLongWord(StringBuilder text) {
        int length = 10_000 + random.nextInt(2_000);
        switch (random.nextInt(3)) {
            case 0 -> text.append(String.valueOf((char) ('a' + random.nextInt(26))).repeat(length));
            case 1 -> appendRange(text, 'a', 'z', length);
            default -> appendRange(text, 0x4E00, 0x9FFF, length);
        }
    }

    private void appendAnyCodePoint(StringBuilder text, int count) {
        for (int i = 0; i < count; i++) {
            int codePoint;
            do {
                codePoint = random.nextBoolean() ? random.nextInt(0x10000) : random.nextInt(Character.MAX_CODE_POINT + 1);
            } while (Character.getType(codePoint) == Character.SURROGATE);
            text.appendCodePoint(codePoint);
        }
    }

    private void appendRange(StringBuilder text, int first, int last, int count) {
        for (int i = 0; i < count; i++) {
            text.appendCodePoint(first + random.nextInt(last - first + 1));
        }
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** The string as Java source, so a failing case can be pasted into a test; long strings are cut. */
    static String escaped(String text) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(text.length(), 2_000);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        out.append('"');
        if (shown < text.length()) {
            out.append(" … (").append(text.length()).append(" chars in all)");
        }
        return out.toString();
    }
}
