package dev.phi4j.cli;

import dev.phi4j.core.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private final StepTimes times;
    private final List<Record> made = new ArrayList<>();
    private final List<Runnable> atEnd = new ArrayList<>();
    private int index;
    private String step;

    RecipeRun(Path configFile, Phi4jConfig config, Tokenizer tokenizer, int total, StepTimes times) {
        this.configFile = configFile;
        this.config = config;
        this.tokenizer = tokenizer;
        this.total = total;
        this.times = times;
    }

    /**
     * Runs {@code step} as progress line {@code index} of the total, keeps the value it makes and records its wall
     * time.
     */
    void run(int index, RecipeStep step) throws IOException {
        this.index = index;
        this.step = step.name();
        long start = System.nanoTime();
        step.run(this).ifPresent(made::add);
        double seconds = (System.nanoTime() - start) / 1e9;
        times.record(step.name(), seconds);
        System.out.printf("%s%s took %s; %s since the start%n", DETAIL, step.name(), TrainProgressBar.duration(seconds),
                TrainProgressBar.duration(times.total()));
    }

    /**
     * Prints the running step's progress line, e.g. {@code [3/7] pipeline   configs/pipeline/sample.yaml: ...}, with
     * the time the rest of the recipe took last time when the same steps ran before.
     */
    void headline(String text) {
        String eta = times.remainingFrom(index - 2).map(seconds -> "  (ETA " + TrainProgressBar.duration(seconds)
                + " by the last run's step times)").orElse("");
        System.out.println(line(index, total, step, text) + eta);
    }

    static String line(int index, int total, String name, String text) {
        return label(index, total, name) + " " + text;
    }

    /**
     * The start of a progress line, e.g. {@code [2/7] tokenizer} or {@code [ 2/14] tokenizer}, padded so that the
     * lines' texts align.
     */
    static String label(int index, int total, String name) {
        int digits = Integer.toString(total).length();
        return String.format("[%" + digits + "d/%d] %-10s", index, total, name);
    }

    /** Runs {@code action} when the recipe ends, however it ends (e.g. stops a server a step started). */
    void closeAtEnd(Runnable action) {
        atEnd.add(action);
    }

    /** Runs the actions steps left for the end, the latest first. */
    void close() {
        for (int i = atEnd.size() - 1; i >= 0; i--) {
            atEnd.get(i).run();
        }
    }

    /** The value an earlier step made; one the step {@link RecipeStep#needs() needs} is there by the config check. */
    <T extends Record> T made(Class<T> type) {
        return find(type).orElseThrow(() -> new IllegalStateException(step + " runs without a " + type.getSimpleName()));
    }

    /** The value of this type the latest step made, if any. */
    <T extends Record> Optional<T> find(Class<T> type) {
        List<T> all = all(type);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Every value of this type the steps made, in order (e.g. the model after each training phase). */
    <T extends Record> List<T> all(Class<T> type) {
        return made.stream().filter(type::isInstance).map(type::cast).toList();
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
