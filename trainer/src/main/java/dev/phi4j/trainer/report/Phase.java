package dev.phi4j.trainer.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.phi4j.trainer.checkpoint.CheckpointFolders;
import dev.phi4j.trainer.eval.RunReport;
import dev.phi4j.trainer.train.Checkpoint;
import dev.phi4j.trainer.train.MetricsLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One training run, a phase of the recipe, as its directory holds it: the resolved {@code config.yaml},
 * {@code metrics.jsonl}, the newest checkpoint's {@code training.json}, the {@code eval/TASK.json} files of
 * {@code phi4j eval} and the sections of {@code report.md}. Paths in the config are relative to the directory the run
 * was started in: the run directory less its {@code run.output_dir/run.name}.
 */
final class Phase {

    static final String CONFIG = "config.yaml";
    static final String EVAL = "eval";
    static final String MIXTURE_MANIFEST = "_mixture.json";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEADING = Pattern.compile("(?m)^## (.+)$");

    /** A level-2 section of the run's {@code report.md}. */
    record Note(String heading, String body) {}

    /** A finished mixture set's {@code _mixture.json}, and how this run was linked to it. */
    record MixtureSet(Path dir, JsonNode manifest, String link) {}

    private final Path dir;
    private final Piece<JsonNode> config;
    private final Piece<List<JsonNode>> events;
    private final Path launchDirectory;

    private Phase(Path dir, Piece<JsonNode> config, Piece<List<JsonNode>> events) {
        this.dir = dir;
        this.config = config;
        this.events = events;
        this.launchDirectory = launchDirectory(dir, config);
    }

    /** Reads the run in {@code dir}; refuses a folder that is no training run, naming it. */
    static Phase read(Path dir) {
        Path run = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(run)) {
            throw new IllegalArgumentException(dir + ": no such run directory");
        }
        Path configFile = run.resolve(CONFIG);
        Path metricsFile = run.resolve(MetricsLog.FILE);
        if (!Files.exists(configFile) && !Files.exists(metricsFile)) {
            throw new IllegalArgumentException(dir + ": not a training run (no " + CONFIG + " and no " + MetricsLog.FILE
                    + "; phi4j train writes both when it starts)");
        }
        Piece<JsonNode> config;
        try {
            config = Files.exists(configFile) ? Piece.of(YAML.readTree(configFile.toFile()))
                    : Piece.missing("no " + CONFIG + " in " + run);
        } catch (IOException e) {
            config = Piece.missing(configFile + " is unreadable: " + firstLine(e.getMessage()));
        }
        Piece<List<JsonNode>> events;
        try {
            events = Files.exists(metricsFile) ? Piece.of(MetricsLog.read(metricsFile))
                    : Piece.missing("no " + MetricsLog.FILE + " in " + run);
        } catch (IOException e) {
            events = Piece.missing(metricsFile + " is unreadable: " + firstLine(e.getMessage()));
        }
        return new Phase(run, config, events);
    }

    Path dir() {
        return dir;
    }

    String name() {
        return config.present() && config.value().path("run").path("name").isTextual()
                ? config.value().path("run").path("name").asText() : dir.getFileName().toString();
    }

    Piece<JsonNode> config() {
        return config;
    }

    /** The model section of the resolved config (a missing node when there is no config). */
    JsonNode model() {
        return config.present() ? config.value().path("model") : JSON.missingNode();
    }

    /** The trainer section of the resolved config, else of the newest checkpoint's training state. */
    JsonNode trainer() {
        if (config.present()) {
            return config.value().path("trainer");
        }
        Piece<JsonNode> state = trainingState();
        return state.present() ? state.value().path("trainer") : JSON.missingNode();
    }

    Piece<List<JsonNode>> events() {
        return events;
    }

    List<JsonNode> steps() {
        return eventsOf("step");
    }

    List<JsonNode> evaluations() {
        return eventsOf("eval");
    }

    Optional<JsonNode> start() {
        return eventsOf("start").stream().findFirst();
    }

    private List<JsonNode> eventsOf(String kind) {
        return events.present() ? events.value().stream().filter(e -> e.path("event").asText().equals(kind)).toList()
                : List.of();
    }

    /** {@code trainer.init_from} as written in the config: the run or checkpoint this phase started from. */
    Optional<String> initFrom() {
        JsonNode from = trainer().path("init_from");
        return from.isTextual() && !from.asText().isBlank() ? Optional.of(from.asText()) : Optional.empty();
    }

    /** The run directory of {@code init_from}, which may name a run, its checkpoints or one checkpoint folder. */
    Optional<Path> initFromRun() {
        return initFrom().map(this::resolve).map(path -> path.getFileName() != null
                && path.getFileName().toString().equals(CheckpointFolders.DIRECTORY) ? path.getParent()
                : RunReport.runDirectory(path));
    }

    /** A path from the config, as the run saw it from the directory it was started in. */
    Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p.normalize() : launchDirectory.resolve(p).normalize();
    }

    Path launchDirectory() {
        return launchDirectory;
    }

    /** The newest checkpoint's {@code training.json}: the cumulative state and the data fingerprint. */
    Piece<JsonNode> trainingState() {
        try {
            Optional<Path> latest = CheckpointFolders.latest(dir.resolve(CheckpointFolders.DIRECTORY));
            if (latest.isEmpty()) {
                return Piece.missing("no checkpoint yet (no " + CheckpointFolders.DIRECTORY + "/"
                        + CheckpointFolders.LATEST + ")");
            }
            return Piece.of(JSON.readTree(latest.get().resolve(Checkpoint.JSON_FILE).toFile()));
        } catch (IOException | IllegalArgumentException e) {
            return Piece.missing(firstLine(e.getMessage()));
        }
    }

    /** The newest checkpoint's folder name, e.g. {@code step-00000200}. */
    Optional<String> latestCheckpoint() {
        try {
            return CheckpointFolders.latest(dir.resolve(CheckpointFolders.DIRECTORY)).map(p -> p.getFileName()
                    .toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The tasks {@code phi4j eval} wrote into {@code RUN/eval/}, by task name: each {@code TASK.json} rather than
     * {@code summary.json}, since a later evaluation with other tasks rewrites the summary and leaves the earlier
     * tasks' files in place.
     */
    Piece<Map<String, JsonNode>> evaluationTasks() {
        Path folder = dir.resolve(EVAL);
        if (!Files.isDirectory(folder)) {
            return Piece.missing("no " + EVAL + "/ folder; phi4j eval --checkpoint on this run writes it");
        }
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().equals("summary.json")).sorted().toList()) {
                JsonNode result = JSON.readTree(file.toFile());
                if (result.path("task").isTextual() && result.path("metrics").isObject()) {
                    tasks.put(result.path("task").asText(), result);
                }
            }
        } catch (IOException e) {
            return Piece.missing(folder + " is unreadable: " + firstLine(e.getMessage()));
        }
        return tasks.isEmpty() ? Piece.missing("no TASK.json with metrics in " + folder) : Piece.of(tasks);
    }

    /** The level-2 sections evaluations wrote into {@code report.md}, in file order; none without the file. */
    Piece<List<Note>> notes() {
        Path file = dir.resolve(RunReport.FILE);
        if (!Files.exists(file)) {
            return Piece.of(List.of());
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return Piece.missing(file + " is unreadable: " + firstLine(e.getMessage()));
        }
        List<Note> notes = new ArrayList<>();
        Matcher heading = HEADING.matcher(text);
        List<int[]> starts = new ArrayList<>();
        while (heading.find()) {
            starts.add(new int[] {heading.start(), heading.end()});
        }
        for (int i = 0; i < starts.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : text.length();
            notes.add(new Note(text.substring(starts.get(i)[0] + 3, starts.get(i)[1]).strip(),
                    text.substring(starts.get(i)[1], end).strip()));
        }
        return Piece.of(notes);
    }

    /**
     * The mixture set this run trained on: the {@code _mixture.json} beside {@code trainer.data.shards}, or, for a run
     * given its shards on the command line (as {@code phi4j reproduce} gives the pretraining step its set), the set
     * under {@code OUTPUT_DIR/*}{@code /mixtures/} whose shard manifest has the run's data fingerprint.
     */
    Piece<MixtureSet> mixture() {
        JsonNode data = trainer().path("data");
        if (data.path("shards").isTextual() && !data.path("shards").asText().isBlank()) {
            Path shards = resolve(data.path("shards").asText());
            Path set = shards.getParent();
            if (set == null || !Files.exists(set.resolve(MIXTURE_MANIFEST))) {
                return Piece.missing("trained on the shards " + shards + ", and no mixture build wrote them (no "
                        + MIXTURE_MANIFEST + " beside them)");
            }
            return readMixture(set, "trainer.data.shards: " + data.path("shards").asText());
        }
        if (data.path("text_files").isArray() && !data.path("text_files").isEmpty()) {
            List<String> files = new ArrayList<>();
            data.path("text_files").forEach(f -> files.add(f.asText()));
            return Piece.missing("trained on text packed on the fly: " + String.join(", ", files));
        }
        Piece<JsonNode> state = trainingState();
        if (!state.present()) {
            return Piece.missing("no trainer.data.shards in the config and no checkpoint to read the data "
                    + "fingerprint from (" + state.missing() + ")");
        }
        String fingerprint = state.value().path("state").path("data_fingerprint").asText("");
        Path outputs = config.present() ? resolve(config.value().path("run").path("output_dir").asText("runs"))
                : dir.getParent();
        try (Stream<Path> runs = Files.isDirectory(outputs) ? Files.list(outputs) : Stream.empty()) {
            for (Path run : runs.sorted(Comparator.naturalOrder()).toList()) {
                Path mixtures = run.resolve("mixtures");
                if (!Files.isDirectory(mixtures)) {
                    continue;
                }
                try (Stream<Path> sets = Files.list(mixtures)) {
                    for (Path set : sets.sorted().toList()) {
                        Path manifest = set.resolve(MIXTURE_MANIFEST);
                        if (Files.exists(manifest) && JSON.readTree(manifest.toFile()).path("shards")
                                .path("manifest_sha256").asText().equals(fingerprint)) {
                            return readMixture(set, "the data fingerprint " + abbreviate(fingerprint)
                                    + " of the run's checkpoint is this set's shard manifest");
                        }
                    }
                }
            }
        } catch (IOException e) {
            return Piece.missing("cannot search " + outputs + " for mixture sets: " + firstLine(e.getMessage()));
        }
        return Piece.missing("no trainer.data.shards in the config, and no mixture set under " + outputs
                + "/*/mixtures/ has the data fingerprint " + abbreviate(fingerprint));
    }

    private static Piece<MixtureSet> readMixture(Path set, String link) {
        Path manifest = set.resolve(MIXTURE_MANIFEST);
        try {
            return Piece.of(new MixtureSet(set, JSON.readTree(manifest.toFile()), link));
        } catch (IOException e) {
            return Piece.missing(manifest + " is unreadable: " + firstLine(e.getMessage()));
        }
    }

    /**
     * What this phase is: its mixture set's kind (pretrain, midtrain, sft, dpo) when known, else DPO by its
     * objective, else pretraining when it started from nothing, else "continued".
     */
    String kind(Piece<MixtureSet> mixture) {
        if (mixture.present() && mixture.value().manifest().path("kind").isTextual()) {
            return mixture.value().manifest().path("kind").asText();
        }
        if (trainer().path("objective").asText("").equals("dpo")) {
            return "dpo";
        }
        return initFrom().isPresent() ? "continued" : "pretrain";
    }

    /** The directory the run was started in, which its config's paths are relative to: the run less output_dir/name. */
    private static Path launchDirectory(Path run, Piece<JsonNode> config) {
        if (config.present()) {
            String outputDir = config.value().path("run").path("output_dir").asText("");
            String name = config.value().path("run").path("name").asText("");
            if (!outputDir.isEmpty() && !name.isEmpty()) {
                Path suffix = Path.of(outputDir, name).normalize();
                if (!suffix.isAbsolute() && run.endsWith(suffix)) {
                    Path launch = run;
                    for (int i = 0; i < suffix.getNameCount(); i++) {
                        launch = launch.getParent();
                    }
                    return launch;
                }
            }
        }
        return Path.of("").toAbsolutePath();   // a run moved out of its output_dir: paths as seen from here
    }

    static String abbreviate(String fingerprint) {
        return fingerprint.length() > 19 ? fingerprint.substring(0, 19) + "…" : fingerprint;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
