package dev.phi4j.pipeline.decontam;

import java.util.Arrays;

/**
 * The scanner over Java chars that {@link Tokens} replaced (issue 19: Tokens now reads the UTF-8 bytes Spark holds),
 * kept unchanged as the reference the byte scanner must agree with, word for word and flag for flag.
 */
final class CharTokens {

    /** Bit 0: letter or digit; bit 1: digit; bit 2: upper case; bit 3: whitespace; bit 4: sentence stop. */
    private static final byte[] ASCII = new byte[128];
    private static final byte LETTER_OR_DIGIT = 1;
    private static final byte DIGIT = 2;
    private static final byte UPPER = 4;
    private static final byte SPACE = 8;
    private static final byte STOP = 16;
    static final long FNV = 0x100000001B3L;

    static {
        for (int c = 0; c < 128; c++) {
            byte flags = 0;
            if (Character.isLetterOrDigit(c)) {
                flags |= LETTER_OR_DIGIT;
            }
            if (c >= '0' && c <= '9') {
                flags |= DIGIT;
            }
            if (c >= 'A' && c <= 'Z') {
                flags |= UPPER;
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                flags |= SPACE;
            }
            if (c == '.' || c == '?' || c == '!') {
                flags |= STOP;
            }
            ASCII[c] = flags;
        }
    }

    long[] hashes = new long[256];
    int[] starts = new int[256];
    int[] ends = new int[256];
    /** Per word: {@link #NUMBER}, {@link #CAPITAL}, {@link #SENTENCE_END} bits. */
    byte[] flags = new byte[256];
    int count;

    static final byte NUMBER = 1;
    static final byte CAPITAL = 2;
    static final byte SENTENCE_END = 4;
    /** A name the text defines ({@code def NAME}, {@code class NAME}), wherever it occurs after the definition. */
    static final byte DEFINED = 8;

    private static final long DEF = Tokens.wordHash("def");
    private static final long CLASS = Tokens.wordHash("class");
    private final LongSet defined = new LongSet();

    /** Scans {@code text}; the words are then {@code [0, count)} of the arrays. */
    CharTokens scan(String text) {
        int length = text.length();
        count = 0;
        defined.clear();
        long h = 0;
        long seg = 0;
        int segLength = 0;
        boolean segDone = false;
        int wordLength = 0;
        int start = -1;
        int end = -1;
        byte wordFlags = 0;
        boolean stopSeen = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int kind;
            int lower;
            if (c < 128) {
                kind = ASCII[c];
                lower = (kind & UPPER) != 0 ? c + 32 : c;
            } else {
                int cp = c;
                if (Character.isHighSurrogate(c) && i + 1 < length) {
                    cp = text.codePointAt(i);
                }
                kind = 0;
                if (Character.isLetterOrDigit(cp)) {
                    kind |= LETTER_OR_DIGIT;
                    if (Character.isDigit(cp)) {
                        kind |= DIGIT;
                    }
                    if (Character.isUpperCase(cp)) {
                        kind |= UPPER;
                    }
                } else if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                    kind |= SPACE;
                }
                lower = Character.toLowerCase(cp);
                if (cp > 0xFFFF) {
                    if ((kind & LETTER_OR_DIGIT) != 0) {
                        h = (h ^ lower) * FNV;
                        if (!segDone) {
                            seg = h;
                            segLength++;
                        }
                        if (wordLength++ == 0) {
                            start = i;
                            wordFlags = (kind & UPPER) != 0 ? CAPITAL : 0;
                        }
                        end = i + 2;
                        stopSeen = false;
                    }
                    i++;
                    continue;
                }
            }
            if ((kind & LETTER_OR_DIGIT) != 0) {
                if (wordLength++ == 0) {
                    start = i;
                    wordFlags = (kind & UPPER) != 0 ? CAPITAL : 0;
                }
                if ((kind & DIGIT) != 0) {
                    wordFlags |= NUMBER;
                } else if ((kind & UPPER) != 0 && wordLength > 1) {
                    wordFlags |= CAPITAL;
                }
                h = (h ^ lower) * FNV;
                if (!segDone) {
                    seg = h;
                    segLength++;
                }
                end = i + 1;
                stopSeen = false;
            } else if ((kind & SPACE) != 0) {
                if (wordLength > 0) {
                    add(Ngrams.mix(h ^ wordLength), Ngrams.mix(seg ^ segLength), start, end,
                            stopSeen || c == '\n' ? (byte) (wordFlags | SENTENCE_END) : wordFlags);
                    h = 0;
                    seg = 0;
                    segLength = 0;
                    segDone = false;
                    wordLength = 0;
                } else if (c == '\n' && count > 0) {
                    flags[count - 1] |= SENTENCE_END;
                }
                stopSeen = false;
            } else {
                if ((kind & STOP) != 0) {
                    stopSeen = true;
                } else if (c == '_' && wordLength > 0) {
                    wordFlags |= CAPITAL;
                }
                segDone |= wordLength > 0 && c != '_';
            }
        }
        if (wordLength > 0) {
            add(Ngrams.mix(h ^ wordLength), Ngrams.mix(seg ^ segLength), start, end,
                    (byte) (wordFlags | SENTENCE_END));
        } else if (count > 0) {
            flags[count - 1] |= SENTENCE_END;
        }
        return this;
    }

    /**
     * {@code head}: the hash of the word's letters and digits before its first punctuation other than {@code _}
     * ({@code is_palindrome} of {@code is_palindrome('aba')}), which a definition names and a use starts with.
     */
    private void add(long hash, long head, int start, int end, byte wordFlags) {
        if (count > 0 && (hashes[count - 1] == DEF || hashes[count - 1] == CLASS)) {
            defined.add(head);
        }
        if (defined.size > 0 && defined.contains(head)) {
            wordFlags |= DEFINED;
        }
        if (count == hashes.length) {
            int grown = count * 2;
            hashes = Arrays.copyOf(hashes, grown);
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
            flags = Arrays.copyOf(flags, grown);
        }
        hashes[count] = hash;
        starts[count] = start;
        ends[count] = end;
        flags[count] = wordFlags;
        count++;
    }

    /** The words as a {@link Tokens}, for the matchers and for comparison. */
    Tokens toTokens() {
        Tokens t = new Tokens();
        t.hashes = Arrays.copyOf(hashes, count);
        t.starts = Arrays.copyOf(starts, count);
        t.ends = Arrays.copyOf(ends, count);
        t.flags = Arrays.copyOf(flags, count);
        t.count = count;
        return t;
    }
}
