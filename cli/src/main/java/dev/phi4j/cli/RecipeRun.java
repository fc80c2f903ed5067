package dev.phi4j.cli;

import dev.phi4j.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One run of the recipe as its steps see it: the resolved config and the file it came from, the recipe's tokenizer,
 * the values earlier steps made (by type), and the progress line of the step running now.
 */
public final class RecipeRun {

    /** Indent of the lines under a progress line. */
    static final String DETAIL = "      ";

    private final Path configFile;
    private final Phi4jConfig config;
    private final Tokenizer tokenizer;
    private final int total;
    private final Map<Class<? extends Record>, Record> made = new HashMap<>();
    private int index;
    private String step;

    RecipeRun(Path configFile, Phi4jConfig config, Tokenizer tokenizer, int total) {
        this.configFile = configFile;
        this.config = config;
        this.tokenizer = tokenizer;
        this.total = total;
    }

    /** Runs {@code step} as progress line {@code index} of the total and keeps the value it makes. */
    void run(int index, RecipeStep step) throws IOException {
        this.index = index;
        this.step = step.name();
        step.run(this).ifPresent(value -> made.put(value.getClass(), value));
    }

    /** Prints the running step's progress line, e.g. {@code [3/7] pipeline   configs/pipeline/sample.yaml: ...}. */
    void headline(String text) {
        System.out.println(line(index, total, step, text));
    }

    static String line(int index, int total, String name, String text) {
        return label(index, total, name) + " " + text;
    }

    /** The start of a progress line, e.g. {@code [2/7] tokenizer}, padded so that the lines' texts align. */
    static String label(int index, int total, String name) {
        return String.format("[%d/%d] %-10s", index, total, name);
    }

    /** The value an earlier step made; one the step {@link RecipeStep#needs() needs} is there by the config check. */
    <T extends Record> T made(Class<T> type) {
        return find(type).orElseThrow(() -> new IllegalStateException(step + " runs without a " + type.getSimpleName()));
    }

    <T extends Record> Optional<T> find(Class<T> type) {
        return Optional.ofNullable(type.cast(made.get(type)));
    }

    Path configFile() {
        return configFile;
    }

    Phi4jConfig config() {
        return config;
    }

    Tokenizer tokenizer() {
        return tokenizer;
    }
}
