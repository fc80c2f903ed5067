package dev.phi4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The wall time of each step of a recipe run, kept in the run folder ({@value #FILE}) so that the next run of the
 * same step list can tell how long is left. A re-run that reuses finished work records its own short times, which
 * are what a further re-run takes too.
 */
final class StepTimes {

    static final String FILE = "reproduce-times.json";

    record Time(String step, double seconds) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final List<Time> previous;
    private final List<Time> current = new ArrayList<>();

    private StepTimes(Path file, List<Time> previous) {
        this.file = file;
        this.previous = previous;
    }

    /** The times of the last run in {@code runDir}, used for the ETA only when it ran the same steps in order. */
    static StepTimes in(Path runDir, List<String> steps) {
        Path file = runDir.resolve(FILE);
        List<Time> previous = List.of();
        try {
            if (Files.isRegularFile(file)) {
                List<Time> read = JSON.readValue(file.toFile(), new TypeReference<List<Time>>() {});
                if (read.stream().map(Time::step).toList().equals(steps)) {
                    previous = read;
                }
            }
        } catch (IOException e) {
            System.err.println("phi4j reproduce: " + file + " is unreadable (" + e.getMessage() + "); no ETA this run");
        }
        return new StepTimes(file, previous);
    }

    /** Seconds the steps from {@code index} (0-based) on took last time, if the last run took them all. */
    Optional<Double> remainingFrom(int index) {
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(previous.subList(index, previous.size()).stream().mapToDouble(Time::seconds).sum());
    }

    /** Records one finished step and rewrites the file: the finished steps now, the rest as last time. */
    void record(String step, double seconds) throws IOException {
        current.add(new Time(step, seconds));
        List<Time> all = new ArrayList<>(current);
        if (!previous.isEmpty()) {
            all.addAll(previous.subList(current.size(), previous.size()));
        }
        JSON.writeValue(file.toFile(), all);
    }

    double total() {
        return current.stream().mapToDouble(Time::seconds).sum();
    }

    /** The table of this run's step times, one line each and the total. */
    String table(String indent) {
        int width = Math.max(5, current.stream().mapToInt(t -> t.step().length()).max().orElse(0));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%s%-" + width + "s  %9s%n", indent,
                "step", "wall time"));
        for (Time time : current) {
            table.append(String.format(Locale.ROOT, "%s%-" + width + "s  %9s%n", indent, time.step(),
                    TrainProgressBar.duration(time.seconds())));
        }
        table.append(String.format(Locale.ROOT, "%s%-" + width + "s  %9s%n", indent, "total",
                TrainProgressBar.duration(total())));
        return table.toString();
    }
}
