package dev.phi4j.pipeline.mixture;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock seconds per phase of a set's build, in order, for its manifest and {@code phi4j bench mixture}. */
final class Phases {

    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Ends the current phase, naming it, and starts the next. */
    void lap(String phase) {
        long now = System.nanoTime();
        seconds.merge(phase, Math.round((now - last) / 1e6) / 1e3, Double::sum);
        last = now;
    }

    /** Records a phase measured elsewhere (tokenization, done once per build). */
    void add(String phase, double value) {
        seconds.merge(phase, value, Double::sum);
    }

    Map<String, Double> seconds() {
        return Collections.unmodifiableMap(seconds);
    }
}
