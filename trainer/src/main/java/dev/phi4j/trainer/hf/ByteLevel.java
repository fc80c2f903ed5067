package dev.phi4j.trainer.hf;

import java.io.ByteArrayOutputStream;

/**
 * GPT-2's byte-level alphabet, which Hugging Face's byte-level BPE writes tokens in: each of the 256 byte values is
 * one printable character ({@code bytes_to_unicode} in GPT-2's encoder.py): the printable Latin-1 bytes stand for
 * themselves, the others (controls, space, …) for U+0100 upwards, so a space is {@code Ġ} and a newline {@code Ċ}.
 */
final class ByteLevel {

    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final int[] BYTE_OF_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevel() {}

    /** The token's bytes in the byte-level alphabet. */
    static String encode(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            text.append(CHAR_OF_BYTE[b & 0xFF]);
        }
        return text.toString();
    }

    /** The bytes a byte-level string stands for; null if it has a character outside the alphabet. */
    static byte[] decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= BYTE_OF_CHAR.length || BYTE_OF_CHAR[c] < 0) {
                return null;
            }
            bytes.write(BYTE_OF_CHAR[c]);
        }
        return bytes.toByteArray();
    }
}
