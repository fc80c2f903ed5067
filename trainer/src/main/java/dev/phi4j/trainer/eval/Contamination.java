package dev.phi4j.trainer.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a pipeline run's decontamination found out about each benchmark item: the {@code decontam.items} section of
 * its decontam stage manifests. An item is contaminated or partially contaminated when some training document hit it
 * at that level (whatever the stage then did with the document), and clean otherwise. Evaluation reports its scores
 * overall and on the clean items only, the figure contamination cannot have inflated.
 */
public final class Contamination {

    static final String SECTION = "decontam.items";
    private static final String MANIFEST = "_manifest.json";

    public enum Status {
        CLEAN, PARTIAL, CONTAMINATED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One benchmark as a decontam stage indexed it.
     *
     * @param idField the field naming its items, or empty when items are numbered 1, 2, … in file order
     * @param flagged the items a document hit, with the worst status; every other item is clean
     */
    public record Benchmark(String name, String path, Optional<String> idField, int items,
                            Map<String, Status> flagged, Path manifest) {

        /**
         * The status of the file's item at {@code position} (0-based), whose own name is {@code id} where the
         * format names its items (HumanEval's task_id).
         */
        public Status status(int position, Optional<String> id) {
            if (idField.isEmpty()) {
                return flagged.getOrDefault(Integer.toString(position + 1), Status.CLEAN);
            }
            return flagged.getOrDefault(id.orElseThrow(() -> new IllegalArgumentException("benchmark '" + name
                    + "' names its items by the field '" + idField.get() + "'; this task finds items by their "
                    + "position: decontaminate without id_field")), Status.CLEAN);
        }
    }

    private final Path run;
    private final List<Benchmark> benchmarks;

    private Contamination(Path run, List<Benchmark> benchmarks) {
        this.run = run;
        this.benchmarks = List.copyOf(benchmarks);
    }

    public List<Benchmark> benchmarks() {
        return benchmarks;
    }

    /**
     * Reads a pipeline run folder (every stage manifest in it with a {@code decontam.items} section), one stage folder,
     * or one manifest file.
     */
    public static Contamination read(Path run) throws IOException {
        if (!Files.exists(run)) {
            throw new IllegalArgumentException("no pipeline run at " + run.toAbsolutePath());
        }
        List<Path> manifests = new ArrayList<>();
        if (Files.isRegularFile(run)) {
            manifests.add(run);
        } else if (Files.isRegularFile(run.resolve(MANIFEST))) {
            manifests.add(run.resolve(MANIFEST));
        } else {
            try (Stream<Path> stages = Files.list(run)) {
                stages.map(stage -> stage.resolve(MANIFEST)).filter(Files::isRegularFile).sorted()
                        .forEach(manifests::add);
            }
        }
        ObjectMapper json = new ObjectMapper();
        List<Benchmark> benchmarks = new ArrayList<>();
        for (Path manifest : manifests) {
            JsonNode section = json.readTree(manifest.toFile()).path("sections").path(SECTION);
            section.fields().forEachRemaining(entry -> benchmarks.add(benchmark(entry.getKey(), entry.getValue(),
                    manifest)));
        }
        if (benchmarks.isEmpty()) {
            throw new IllegalArgumentException(run + ": no stage manifest with a '" + SECTION + "' section (a "
                    + "pipeline run whose decontam stage ran with this version of phi4j)");
        }
        return new Contamination(run, benchmarks);
    }

    private static Benchmark benchmark(String name, JsonNode node, Path manifest) {
        Map<String, Status> flagged = new LinkedHashMap<>();
        node.path("flagged").fields().forEachRemaining(item -> flagged.put(item.getKey(),
                Status.valueOf(item.getValue().path("status").asText().toUpperCase(Locale.ROOT))));
        JsonNode idField = node.path("id_field");
        return new Benchmark(name, node.path("path").asText(), idField.isTextual() ? Optional.of(idField.asText())
                : Optional.empty(), node.path("items").asInt(), flagged, manifest);
    }

    /**
     * The benchmark read from {@code file}, found by {@code name} when given, else by its path (relative paths are
     * taken from the working directory, where the pipeline ran too); the same file indexed by several decontam
     * stages gives each item its worst status.
     *
     * @param items how many items {@code file} holds: a different count means the run indexed another file
     */
    public Benchmark forFile(Path file, Optional<String> name, int items) {
        Path wanted = normalise(file.toString());
        List<Benchmark> matching = benchmarks.stream().filter(b -> name.isPresent() ? b.name().equals(name.get())
                : normalise(b.path()).equals(wanted)).toList();
        if (matching.isEmpty()) {
            StringBuilder known = new StringBuilder();
            benchmarks.forEach(b -> known.append("\n  ").append(b.name()).append(": ").append(b.path()));
            throw new IllegalArgumentException(name.map(n -> "the pipeline run " + run + " has no benchmark '" + n + "'")
                    .orElse("the pipeline run " + run + " decontaminated against no benchmark read from " + file
                            + " (name one with --contamination-benchmark)") + "; its benchmarks:" + known);
        }
        Map<String, Status> flagged = new LinkedHashMap<>();
        for (Benchmark benchmark : matching) {
            if (benchmark.items() != items) {
                throw new IllegalArgumentException("benchmark '" + benchmark.name() + "' of " + benchmark.manifest()
                        + " has " + benchmark.items() + " items; " + file + " has " + items + ": not the same file");
            }
            benchmark.flagged().forEach((item, status) -> flagged.merge(item, status,
                    (a, b) -> a.compareTo(b) >= 0 ? a : b));
        }
        Benchmark first = matching.get(0);
        return new Benchmark(first.name(), first.path(), first.idField(), items, flagged, first.manifest());
    }

    private static Path normalise(String path) {
        String local = path.startsWith("file://") ? path.substring("file://".length())
                : path.startsWith("file:") ? path.substring("file:".length()) : path;
        return Path.of(local).toAbsolutePath().normalize();
    }
}
