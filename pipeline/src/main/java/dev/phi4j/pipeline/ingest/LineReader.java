package dev.phi4j.pipeline.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads lines as bytes, counting line numbers and byte offsets, without ever holding more than {@code maxBytes} of a
 * line: a longer line is skipped to its end and reported as oversized, so one enormous record cannot exhaust memory.
 */
final class LineReader {

    /** One line without its terminator; {@code bytes} is only valid until the next call. */
    record Line(long number, long offset, byte[] bytes, int length, boolean oversized, long fullLength) {}

    private final InputStream in;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int bufferStart;
    private int bufferEnd;
    private byte[] line = new byte[1024];
    private long lineNumber;
    private long offset;

    LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** The next line, or null at the end of the input. A truncated compressed stream throws {@link EOFException}. */
    Line next() throws IOException {
        int length = 0;
        long fullLength = 0;
        long start = offset;
        boolean sawAny = false;
        while (true) {
            if (bufferStart == bufferEnd) {
                int read = in.read(buffer);
                if (read < 0) {
                    if (!sawAny) {
                        return null;
                    }
                    break;
                }
                bufferStart = 0;
                bufferEnd = read;
            }
            sawAny = true;
            int newline = -1;
            for (int i = bufferStart; i < bufferEnd; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline < 0 ? bufferEnd : newline;
            int chunk = end - bufferStart;
            if (fullLength + chunk <= maxBytes) {
                if (length + chunk > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
                }
                System.arraycopy(buffer, bufferStart, line, length, chunk);
                length += chunk;
            }
            fullLength += chunk;
            offset += chunk;
            bufferStart = end;
            if (newline >= 0) {
                bufferStart++;
                offset++;
                break;
            }
        }
        if (length > 0 && line[length - 1] == '\r' && fullLength <= maxBytes) {
            length--;
        }
        lineNumber++;
        boolean oversized = fullLength > maxBytes;
        return new Line(lineNumber, start, line, oversized ? 0 : length, oversized, fullLength);
    }

    long lineNumber() {
        return lineNumber;
    }
}
