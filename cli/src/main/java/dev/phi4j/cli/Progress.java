package dev.phi4j.cli;

import java.util.function.IntConsumer;

/**
 * A one-line console progress counter for long loops, redrawn at most every 200 ms on a terminal; into a file or a
 * pipe it prints nothing, so logs hold no carriage returns or escape codes.
 */
final class Progress implements IntConsumer {

    private final String label;
    private final int total;
    private final boolean terminal = System.console() != null;
    private long lastDraw;

    Progress(String label, int total) {
        this.label = label;
        this.total = total;
    }

    @Override
    public void accept(int done) {
        if (!terminal) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw > 200_000_000L || done == total) {
            lastDraw = now;
            System.err.printf("\r      %s %,d/%,d", label, done, total);
        }
    }

    void finish() {
        if (terminal) {
            System.err.print("\r\033[K");
        }
    }
}
