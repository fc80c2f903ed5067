package dev.phi4j.pipeline.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding that says where the first invalid byte is, and keeps a readable text either way. */
final class Utf8 {

    /** A decoded text, or the byte offset of the first malformed sequence (the text then has U+FFFD for it). */
    record Decoded(String text, long invalidAt) {
        boolean valid() {
            return invalidAt < 0;
        }
    }

    private Utf8() {}

    static Decoded decode(byte[] bytes, int length) {
        CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        CharBuffer out = CharBuffer.allocate(length);
        CoderResult result = strict.decode(in, out, true);
        if (!result.isError()) {
            result = strict.flush(out);
        }
        if (result.isError()) {
            return new Decoded(new String(bytes, 0, length, StandardCharsets.UTF_8), in.position());
        }
        out.flip();
        return new Decoded(out.toString(), -1);
    }

    static Decoded decode(byte[] bytes) {
        return decode(bytes, bytes.length);
    }
}
