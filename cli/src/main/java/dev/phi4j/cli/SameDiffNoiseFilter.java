package dev.phi4j.cli;

import java.io.PrintStream;

/**
 * Standard output without the "Added differentiated op …" lines that ND4J 1.0.0-M2.1's SameDiff prints with
 * {@code System.out.println} (not a logger) for every op each time a layer builds its gradient graph: a hundred lines
 * on a training run's first step.
 */
final class SameDiffNoiseFilter extends PrintStream {

    private static final String NOISE = "Added differentiated op ";

    SameDiffNoiseFilter(PrintStream out) {
        super(out, true);
    }

    @Override
    public void println(String line) {
        if (line == null || !line.startsWith(NOISE)) {
            super.println(line);
        }
    }
}
