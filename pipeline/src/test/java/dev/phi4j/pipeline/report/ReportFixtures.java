package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.pipeline.stage.ManifestJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A run folder for report tests: a copy of a real run's manifests plus a stage manifest carrying the sections of the
 * stages that have not landed yet (plurality, self-revision, teacher usage, lineage records of seeds, samples and
 * teacher calls), written in the shapes pipeline/README.md documents.
 */
final class ReportFixtures {

    private ReportFixtures() {}

    /** Copies every manifest of {@code run} (not the data) into {@code target}. */
    static void copyManifests(Path run, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(run)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                String name = file.getFileName().toString();
                if (name.equals("_manifest.json") || name.equals("_mixture.json") || name.equals("_run.json")) {
                    Path copy = target.resolve(run.relativize(file).toString());
                    Files.createDirectories(copy.getParent());
                    Files.copy(file, copy);
                }
            }
        }
    }

    /**
     * Adds {@code 04-later} after the run's last stage ({@code 03-decontam}); its manifest carries the sections of
     * the stages still to come.
     */
    static void addLaterStageSections(Path run, String documentId) throws IOException {
        ObjectNode manifest = (ObjectNode) ManifestJson.MAPPER.readTree(run.resolve("03-decontam/_manifest.json")
                .toFile());
        ObjectNode stage = (ObjectNode) manifest.get("stage");
        stage.put("index", 4).put("name", "later").put("type", "later").put("kind", "transform").put("dir", "04-later");
        long kept = manifest.path("counts").path("kept").asLong();
        ObjectNode counts = (ObjectNode) manifest.get("counts");
        counts.put("in", kept).put("kept", kept - 7).put("dropped", 7);
        counts.putObject("dropped_by_reason").put("too_easy", 4).put("too_hard", 3);
        ObjectNode invariant = (ObjectNode) manifest.get("invariant");
        invariant.put("in", kept).put("kept", kept - 7).put("dropped", 7).put("kept_written", kept - 7)
                .put("dropped_written", 7);
        manifest.putObject("examples");
        ObjectNode sections = manifest.putObject("sections");
        sections.set("plurality.agreement", json("""
                {"answers_per_question": 8, "questions": 100, "kept": 61, "dropped_all_agree": 30, "dropped_none_agree": 9,
                 "histogram": [{"agreeing": 1, "questions": 9}, {"agreeing": 2, "questions": 7}, {"agreeing": 3, "questions": 10},
                               {"agreeing": 4, "questions": 12}, {"agreeing": 5, "questions": 11}, {"agreeing": 6, "questions": 12},
                               {"agreeing": 7, "questions": 9}, {"agreeing": 8, "questions": 30}]}
                """));
        sections.set("revision.scores", json("""
                {"samples": 40, "rounds": [{"round": 1, "mean_before": 5.9, "mean_after": 7.1},
                                           {"round": 2, "mean_before": 7.1, "mean_after": 7.6}],
                 "changes": [{"delta": -1, "samples": 2}, {"delta": 0, "samples": 8}, {"delta": 1, "samples": 17},
                             {"delta": 2, "samples": 10}, {"delta": 3, "samples": 3}]}
                """));
        sections.set("teacher.usage", json("""
                {"models": [{"model": "teacher-large", "calls": 1200, "cached_calls": 200, "failed_calls": 3,
                             "prompt_tokens": 900000, "completion_tokens": 400000, "cost_usd": 12.5}]}
                """));
        ArrayNode records = ManifestJson.MAPPER.createArrayNode();
        records.add(json("{\"id\": \"seed-cccccccccccccccc\", \"type\": \"seed\", \"title\": \"seed from a book\", "
                + "\"text\": \"The keeper counted the ships.\", \"fields\": {\"educational_value\": \"0.8\"}, "
                + "\"parents\": [\"" + documentId + "\"]}"));
        records.add(json("{\"id\": \"call-dddddddddddddddd\", \"type\": \"teacher_call\", \"title\": \"teacher-large\", "
                + "\"fields\": {\"model\": \"teacher-large\", \"prompt_tokens\": \"412\"}, \"parents\": []}"));
        records.add(json("{\"id\": \"sample-eeeeeeeeeeeeeeee\", \"type\": \"synthetic_sample\", \"title\": "
                + "\"self_revision sample\", \"text\": \"Q: How many ships? A: Twelve.\", \"parents\": "
                + "[\"seed-cccccccccccccccc\", \"call-dddddddddddddddd\"]}"));
        sections.set("lineage.records", records);
        sections.set("future.unknown_section", json("{\"answer\": 42}"));
        Files.createDirectories(run.resolve("04-later"));
        Files.writeString(run.resolve("04-later/_manifest.json"), ManifestJson.MAPPER.writeValueAsString(manifest));
        ObjectNode index = (ObjectNode) ManifestJson.MAPPER.readTree(run.resolve("_run.json").toFile());
        ((ArrayNode) index.get("stages")).addObject().put("index", 4).put("name", "later").put("type", "later")
                .put("dir", "04-later").put("status", "done");
        Files.writeString(run.resolve("_run.json"), ManifestJson.MAPPER.writeValueAsString(index));
    }

    static JsonNode json(String text) {
        try {
            return ManifestJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
