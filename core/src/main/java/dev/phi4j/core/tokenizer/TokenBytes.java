package dev.phi4j.core.tokenizer;

import java.nio.charset.StandardCharsets;

/** Decoding shared by both tokenizers, which keep every token's bytes in one table indexed by id. */
final class TokenBytes {

    private TokenBytes() {}

    static byte[] of(int token, byte[][] bytesById) {
        if (token < 0 || token >= bytesById.length) {
            throw new IllegalArgumentException(
                    "unknown token id " + token + " (the vocabulary has ids 0.." + (bytesById.length - 1) + ")");
        }
        return bytesById[token];
    }

    /** Joins the bytes first: a multibyte character is often split across tokens. */
    static String decode(int[] tokens, byte[][] bytesById) {
        int length = 0;
        for (int token : tokens) {
            length += of(token, bytesById).length;
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (int token : tokens) {
            byte[] bytes = bytesById[token];
            System.arraycopy(bytes, 0, joined, at, bytes.length);
            at += bytes.length;
        }
        return new String(joined, StandardCharsets.UTF_8);
    }
}
