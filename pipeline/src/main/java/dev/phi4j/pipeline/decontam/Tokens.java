package dev.phi4j.pipeline.decontam;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One hand-written pass over a text's UTF-8 bytes (no regex, no decode to a Java string, no object per word): the
 * words of the decontamination view (letters and digits lower-cased, punctuation and symbols deleted, split on
 * whitespace, the Phi-4 report's normalisation), each with its hash, where it lies in the text, whether it holds a
 * digit (a number to mask), whether it is a name to mask (it starts with a capital, or is an identifier: an
 * underscore or a capital inside it, {@code has_close_elements}, {@code maxValue}) and whether a sentence ends after
 * it ({@code .?!} before the next whitespace, or a line break). The arrays are reused from text to text: one instance
 * per thread.
 *
 * <p>Bytes are what Spark holds, so scanning them spares the stage a Java string per document. The words and their
 * hashes are those of the text's code points, whatever encoding carried them: a byte sequence that is not UTF-8 is
 * read as Java's decoder reads it (U+FFFD, a symbol), so {@code scan(bytes)} and {@code scan(new String(bytes,
 * UTF_8))} give the same words, flags and hashes; only the offsets differ (bytes against chars).
 */
final class Tokens {

    /** Bit 0: letter or digit; bit 1: digit; bit 2: upper case; bit 3: whitespace; bit 4: sentence stop. */
    private static final byte[] ASCII = new byte[128];
    /** ASCII lower-cased: the letters of a word are hashed lower case. */
    private static final byte[] LOWER = new byte[128];
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
            LOWER[c] = (byte) Character.toLowerCase(c);
        }
    }

    long[] hashes = new long[256];
    /** Where each word starts and ends (one past its last character): byte offsets, or char offsets for a string. */
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

    private static final long DEF = wordHash("def");
    private static final long CLASS = wordHash("class");
    private final LongSet defined = new LongSet();
    /** Byte offset → char offset, for {@link #scan(String)} of a text that is not all ASCII. */
    private int[] charAt = new int[0];

    /** The hash {@link #scan} gives a lower-case ASCII word. */
    static long wordHash(String word) {
        long h = 0;
        for (int i = 0; i < word.length(); i++) {
            h = (h ^ word.charAt(i)) * FNV;
        }
        return Ngrams.mix(h ^ word.length());
    }

    /**
     * Scans {@code text}, offsets in chars (for spans and cuts). The text is scanned as its UTF-8 bytes, the form
     * Spark stores: an unpaired surrogate, which Spark stores as {@code ?}, reads as {@code ?} here too.
     */
    Tokens scan(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        scan(utf8, 0, utf8.length);
        if (utf8.length != text.length()) {
            toCharOffsets(utf8);
        }
        return this;
    }

    /** Scans the UTF-8 bytes {@code utf8[from, to)}; the words are then {@code [0, count)} of the arrays. */
    Tokens scan(byte[] utf8, int from, int to) {
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
        int i = from;
        while (i < to) {
            int b = utf8[i];
            int kind;
            int c;
            int width = 1;
            if (b >= 0) {
                kind = ASCII[b];
                if ((kind & LETTER_OR_DIGIT) != 0) {
                    // The common case, a run of ASCII letters and digits, in a loop of its own.
                    if (wordLength == 0) {
                        start = i;
                        wordFlags = 0;
                    }
                    int run = i;
                    int seen = 0;
                    do {
                        h = (h ^ LOWER[b]) * FNV;
                        seen |= kind;
                        i++;
                    } while (i < to && (b = utf8[i]) >= 0 && ((kind = ASCII[b]) & LETTER_OR_DIGIT) != 0);
                    wordLength += i - run;
                    wordFlags |= (seen & DIGIT) != 0 ? NUMBER : 0;
                    wordFlags |= (seen & UPPER) != 0 ? CAPITAL : 0;
                    end = i;
                    stopSeen = false;
                    continue;
                }
                c = b;
            } else {
                c = decode(utf8, i, to);
                if (c < 0) {
                    c = REPLACEMENT;
                } else {
                    width = width(c);
                }
                kind = kind(c);
            }
            if ((kind & LETTER_OR_DIGIT) != 0) {
                if (wordLength++ == 0) {
                    start = i;
                    wordFlags = (kind & UPPER) != 0 ? CAPITAL : 0;
                }
                // Beyond the BMP only the first letter's case counts, and digits mark no number: as the scanner
                // over Java chars that this one replaced did, so that no verdict changed.
                if (c <= 0xFFFF) {
                    wordFlags |= (kind & DIGIT) != 0 ? NUMBER : (kind & UPPER) != 0 ? CAPITAL : 0;
                }
                h = (h ^ Character.toLowerCase(c)) * FNV;
                end = i + width;
                stopSeen = false;
            } else if (c > 0xFFFF) {
                // A symbol beyond the BMP (an emoji) is skipped: not a word boundary, not punctuation.
                i += width;
                continue;
            } else if ((kind & SPACE) != 0) {
                if (wordLength > 0) {
                    if (!segDone) {
                        seg = h;
                        segLength = wordLength;
                    }
                    add(Ngrams.mix(h ^ wordLength), seg ^ segLength, start, end,
                            stopSeen || c == '\n' ? (byte) (wordFlags | SENTENCE_END) : wordFlags);
                    h = 0;
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
                if (wordLength > 0 && c != '_' && !segDone) {
                    segDone = true;
                    seg = h;
                    segLength = wordLength;
                }
            }
            i += width;
        }
        if (wordLength > 0) {
            if (!segDone) {
                seg = h;
                segLength = wordLength;
            }
            add(Ngrams.mix(h ^ wordLength), seg ^ segLength, start, end,
                    (byte) (wordFlags | SENTENCE_END));
        } else if (count > 0) {
            flags[count - 1] |= SENTENCE_END;
        }
        return this;
    }

    /**
     * The words' hashes alone ({@link #hashes}, {@link #count}; starts, ends and flags are left as they were): all
     * that the paper's rule reads, so that its flag pass, the stage's work on every document, skips the rest. A
     * plain byte loop, which ran 2.3 times as fast as {@link #scan(byte[], int, int)} over real text here.
     */
    Tokens hashes(byte[] utf8, int from, int to) {
        count = 0;
        long h = 0;
        int wordLength = 0;
        int i = from;
        while (i < to) {
            int b = utf8[i];
            int kind;
            if (b >= 0) {
                kind = ASCII[b];
                if ((kind & LETTER_OR_DIGIT) != 0) {
                    h = (h ^ LOWER[b]) * FNV;
                    wordLength++;
                    i++;
                    continue;
                }
                i++;
            } else {
                int c = decode(utf8, i, to);
                if (c < 0) {
                    c = REPLACEMENT;
                    i++;
                } else {
                    i += width(c);
                }
                kind = kind(c);
                if ((kind & LETTER_OR_DIGIT) != 0) {
                    h = (h ^ Character.toLowerCase(c)) * FNV;
                    wordLength++;
                    continue;
                }
            }
            if ((kind & SPACE) != 0 && wordLength > 0) {
                addHash(Ngrams.mix(h ^ wordLength));
                h = 0;
                wordLength = 0;
            }
        }
        if (wordLength > 0) {
            addHash(Ngrams.mix(h ^ wordLength));
        }
        return this;
    }

    private void addHash(long hash) {
        if (count == hashes.length) {
            grow();
        }
        hashes[count++] = hash;
    }

    /** How many UTF-8 bytes encode the code point {@code c} (beyond ASCII). */
    private static int width(int c) {
        return c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }

    /** What Java's UTF-8 decoder puts for bytes that are not UTF-8. */
    private static final int REPLACEMENT = 0xFFFD;

    /**
     * The code point of the well-formed UTF-8 sequence starting at {@code i} (a non-ASCII lead byte), or -1 where
     * there is none: a stray or overlong byte, an encoded surrogate, beyond U+10FFFF, or cut short. Java's decoder
     * reads such bytes as U+FFFD without taking in the lead byte of a sequence that follows.
     */
    private static int decode(byte[] utf8, int i, int to) {
        int b0 = utf8[i] & 0xFF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return i + 1 < to && continuation(utf8[i + 1]) ? (b0 & 0x1F) << 6 | utf8[i + 1] & 0x3F : -1;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            if (i + 2 >= to || !continuation(utf8[i + 1]) || !continuation(utf8[i + 2])) {
                return -1;
            }
            int c = (b0 & 0x0F) << 12 | (utf8[i + 1] & 0x3F) << 6 | utf8[i + 2] & 0x3F;
            return c < 0x800 || Character.isSurrogate((char) c) ? -1 : c;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            if (i + 3 >= to || !continuation(utf8[i + 1]) || !continuation(utf8[i + 2])
                    || !continuation(utf8[i + 3])) {
                return -1;
            }
            int c = (b0 & 0x07) << 18 | (utf8[i + 1] & 0x3F) << 12 | (utf8[i + 2] & 0x3F) << 6 | utf8[i + 3] & 0x3F;
            return c < 0x10000 || c > Character.MAX_CODE_POINT ? -1 : c;
        }
        return -1;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** {@link #ASCII}'s bits for a code point beyond ASCII. */
    private static int kind(int c) {
        if (Character.isLetterOrDigit(c)) {
            int kind = LETTER_OR_DIGIT;
            if (Character.isDigit(c)) {
                kind |= DIGIT;
            }
            if (Character.isUpperCase(c)) {
                kind |= UPPER;
            }
            return kind;
        }
        return Character.isWhitespace(c) || Character.isSpaceChar(c) ? SPACE : 0;
    }

    /** Rewrites {@link #starts} and {@link #ends} from offsets in {@code utf8} (well-formed) to offsets in chars. */
    private void toCharOffsets(byte[] utf8) {
        if (charAt.length < utf8.length + 1) {
            charAt = new int[utf8.length + 1];
        }
        int chars = 0;
        for (int i = 0; i < utf8.length; i++) {
            charAt[i] = chars;
            int b = utf8[i] & 0xFF;
            // a lead byte starts a char, a 4-byte sequence's starts two (a surrogate pair)
            chars += (b & 0xC0) == 0x80 ? 0 : b >= 0xF0 ? 2 : 1;
        }
        charAt[utf8.length] = chars;
        for (int w = 0; w < count; w++) {
            starts[w] = charAt[starts[w]];
            ends[w] = charAt[ends[w]];
        }
    }

    /**
     * {@code head}: the hash of the word's letters and digits before its first punctuation other than {@code _}
     * ({@code is_palindrome} of {@code is_palindrome('aba')}), which a definition names and a use starts with. It
     * is only compared within the text, so it is left unmixed.
     */
    private void add(long hash, long head, int start, int end, byte wordFlags) {
        if (count > 0 && (hashes[count - 1] == DEF || hashes[count - 1] == CLASS)) {
            defined.add(head);
        }
        if (defined.size > 0 && defined.contains(head)) {
            wordFlags |= DEFINED;
        }
        if (count == hashes.length) {
            grow();
        }
        hashes[count] = hash;
        starts[count] = start;
        ends[count] = end;
        flags[count] = wordFlags;
        count++;
    }

    private void grow() {
        int grown = count * 2;
        hashes = Arrays.copyOf(hashes, grown);
        starts = Arrays.copyOf(starts, grown);
        ends = Arrays.copyOf(ends, grown);
        flags = Arrays.copyOf(flags, grown);
    }

    /**
     * The word hash with every number replaced by one token and every defined name by another (and, with
     * {@code names}, every capitalised word and identifier too).
     */
    long masked(int i, boolean names) {
        return masked(hashes[i], flags[i], names);
    }

    static long masked(long hash, byte flags, boolean names) {
        if ((flags & NUMBER) != 0) {
            return NUMBER_TOKEN;
        }
        if ((flags & (names ? CAPITAL | DEFINED : DEFINED)) != 0) {
            return NAME_TOKEN;
        }
        return hash;
    }

    static final long NUMBER_TOKEN = Ngrams.mix(0x4E554D4E554DL);
    static final long NAME_TOKEN = Ngrams.mix(0x4E414D454E414DL);
}
