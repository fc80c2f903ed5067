package dev.phi4j.trainer.generate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns generated tokens' bytes into text as they come: holds back the bytes of a multibyte character cut between
 * tokens, finds stop sequences across token boundaries, and tells a stream which text is safe to send (text that
 * could still turn out to be the start of a stop sequence is held back until it is not).
 *
 * <p>The text equals {@code new String(allBytes, UTF_8)} cut before the first stop sequence.
 */
final class TextAssembler {

    private final List<String> stops;
    private final int longestStop;
    private final StringBuilder text = new StringBuilder();
    private byte[] pending = new byte[0];
    private int streamed;
    private boolean stopped;

    TextAssembler(List<String> stops) {
        this.stops = stops;
        this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds a token's bytes; returns whether a stop sequence now ends the text. */
    boolean append(byte[] tokenBytes) {
        if (stopped) {
            throw new IllegalStateException("the text already ended at a stop sequence");
        }
        byte[] joined = Arrays.copyOf(pending, pending.length + tokenBytes.length);
        System.arraycopy(tokenBytes, 0, joined, pending.length, tokenBytes.length);
        int complete = completePrefix(joined);
        int searchFrom = Math.max(0, text.length() - longestStop + 1);
        text.append(new String(joined, 0, complete, StandardCharsets.UTF_8));
        pending = Arrays.copyOfRange(joined, complete, joined.length);
        return findStop(searchFrom);
    }

    /** Ends the text: bytes still held back decode with replacement characters, as String(bytes, UTF_8) does. */
    void finish() {
        if (!stopped && pending.length > 0) {
            int searchFrom = Math.max(0, text.length() - longestStop + 1);
            text.append(new String(pending, StandardCharsets.UTF_8));
            pending = new byte[0];
            findStop(searchFrom);
        }
    }

    String text() {
        return text.toString();
    }

    int length() {
        return text.length();
    }

    /** How much of the text {@link #takeStreamable} has handed out. */
    int streamedLength() {
        return streamed;
    }

    boolean stopped() {
        return stopped;
    }

    /**
     * The text not yet streamed that can be streamed now: everything once the text has ended, otherwise all but a
     * tail that is a proper prefix of a stop sequence.
     */
    String takeStreamable(boolean ended) {
        int safe = ended || stopped ? text.length() : text.length() - heldBackTail();
        if (safe <= streamed) {
            return "";
        }
        String delta = text.substring(streamed, safe);
        streamed = safe;
        return delta;
    }

    private boolean findStop(int searchFrom) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, searchFrom);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first >= 0) {
            text.setLength(first);
            pending = new byte[0];
            stopped = true;
        }
        return stopped;
    }

    private int heldBackTail() {
        int held = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > held; length--) {
                if (text.indexOf(stop.substring(0, length), text.length() - length) >= 0) {
                    held = length;
                    break;
                }
            }
        }
        return held;
    }

    /**
     * The length of the longest prefix that does not end inside a UTF-8 sequence that may still be completed: a lead
     * byte followed by fewer continuation bytes than it announces.
     */
    static int completePrefix(byte[] bytes) {
        int n = bytes.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;                                   // a continuation byte: look further back for the lead
            }
            int needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? n - back : n;
        }
        return n;
    }
}
