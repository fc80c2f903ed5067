package dev.phi4j.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code "event"} saying which kind.
 * <pre>
 *   {"event":"start","step":0,"parameters":…,"flops_per_token":…,"peak_flops":…,"peak_flops_source":"…",…}
 *   {"event":"step","step":1,"loss":…,"lr":…,"grad_norm":…,"clipped":false,"skipped":false,"tokens":…,
 *    "tokens_per_s":…,"mfu":…,"step_s":…,"elapsed_s":…}
 *   {"event":"eval","step":50,"val_loss":…}
 * </pre>
 * On resume from step k, lines about steps after k (written before the interruption, then redone) are dropped, so
 * the file reads like one uninterrupted run. Writing is the trainer's; {@link #read} and {@link #curves} are for
 * readers of a run (the run report).
 */
public final class MetricsLog implements Closeable {

    public static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** (step, value) points of the loss curves. */
    public record Point(long step, double value) {}

    /** Training loss per step and validation loss per evaluation. */
    public record Curves(List<Point> train, List<Point> validation) {}

    private final BufferedWriter out;
    private final List<Point> train = new ArrayList<>();
    private final List<Point> validation = new ArrayList<>();

    private MetricsLog(Path file, List<String> kept) throws IOException {
        for (String line : kept) {
            remember(JSON.readTree(line));
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Opens the run's log, keeping only lines about steps up to {@code resumedStep}. */
    static MetricsLog open(Path runDir, long resumedStep) throws IOException {
        Path file = runDir.resolve(FILE);
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    continue;                          // a line cut short by the interruption
                }
                if (node.path("step").asLong(Long.MAX_VALUE) <= resumedStep) {
                    kept.add(line);
                }
            }
            Path rewritten = runDir.resolve(FILE + ".partial");
            Files.write(rewritten, kept, StandardCharsets.UTF_8);
            Files.move(rewritten, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return new MetricsLog(file, kept);
    }

    ObjectNode line(String event, long step) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", event);
        node.put("step", step);
        return node;
    }

    void write(ObjectNode node) throws IOException {
        out.write(JSON.writeValueAsString(node));
        out.newLine();
        out.flush();
        remember(node);
    }

    private void remember(JsonNode node) {
        addPoint(node, train, validation);
    }

    /** A step's training loss (a skipped step has none) or an evaluation's validation loss. */
    private static void addPoint(JsonNode node, List<Point> train, List<Point> validation) {
        String event = node.path("event").asText();
        long step = node.path("step").asLong();
        if (event.equals("step") && !node.path("skipped").asBoolean(false)) {
            train.add(new Point(step, node.path("loss").asDouble()));
        } else if (event.equals("eval")) {
            validation.add(new Point(step, node.path("val_loss").asDouble()));
        }
    }

    /** Every event of a run's log, in order; a line cut short by an interruption is skipped, as on resume. */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(JSON.readTree(line));
            } catch (IOException e) {
                // a line cut short by an interruption: the run went on from its last checkpoint without it
            }
        }
        return events;
    }

    /** The loss curves of {@code events}, as the trainer's own {@code loss-curve.svg} draws them. */
    public static Curves curves(List<JsonNode> events) {
        List<Point> train = new ArrayList<>();
        List<Point> validation = new ArrayList<>();
        events.forEach(event -> addPoint(event, train, validation));
        return new Curves(train, validation);
    }

    List<Point> trainLoss() {
        return train;
    }

    List<Point> validationLoss() {
        return validation;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
