package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.pipeline.PipelineStatus;
import dev.phi4j.pipeline.mixture.MixtureManifest;
import dev.phi4j.pipeline.stage.ManifestJson;

import java.time.Instant;

/**
 * {@code report.json}: the report's numbers for machines (CI checks, dashboards): per stage the accounting, per set
 * the splits and the mixture table, and which sections were present.
 * <pre>
 * {"format": "phi4j-report", "version": 1, "run": ..., "generated_at": ...,
 *  "stages": [{"dir", "type", "status", "in", "kept", "dropped", "dropped_by_reason", "seconds", "invariant_holds"}],
 *  "sets": [{"name", "kind", "seq_len", "counts", "splits", "notes", "mixture": [{"bucket", "target_share",
 *            "effective_share", "realized_share", "unique_tokens", "written_tokens", "epochs", "realized_epochs"}]}],
 *  "sections": [{"name", "origin", "rendered"}], "records": n}
 * </pre>
 */
final class ReportSummary {

    static final String FORMAT = "phi4j-report";
    static final int VERSION = 1;

    private ReportSummary() {}

    static ObjectNode of(RunReport report, Instant generated, int records) {
        ObjectNode root = ManifestJson.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("run", report.name());
        root.put("run_dir", report.runDir());
        root.put("generated_at", generated.toString());
        ArrayNode stages = root.putArray("stages");
        for (PipelineStatus.StageStatus status : report.stages()) {
            ObjectNode stage = stages.addObject();
            stage.put("dir", status.dir());
            stage.put("status", status.status());
            status.manifest().ifPresent(m -> {
                stage.put("type", m.stage().type());
                stage.put("in", m.counts().in());
                stage.put("kept", m.counts().kept());
                stage.put("dropped", m.counts().dropped());
                stage.set("dropped_by_reason", ManifestJson.tree(m.counts().droppedByReason()));
                stage.put("seconds", m.timings() == null ? 0 : m.timings().seconds());
                stage.put("invariant_holds", m.invariant().holds());
            });
        }
        ArrayNode sets = root.putArray("sets");
        for (RunReport.MixtureSet set : report.sets()) {
            MixtureManifest m = set.manifest();
            ObjectNode node = sets.addObject();
            node.put("name", m.name());
            node.put("kind", m.kind());
            node.put("dir", RunReport.display(set.dir()));
            node.put("seq_len", m.shards().seqLen());
            node.put("tokenizer", m.tokenizer().name());
            node.set("counts", ManifestJson.tree(m.counts()));
            node.set("splits", ManifestJson.tree(m.shards().splits()));
            node.set("notes", ManifestJson.tree(m.notes()));
            JsonNode table = m.sections() == null ? null : m.sections().get("mixture.table");
            if (table != null) {
                ArrayNode mixture = node.putArray("mixture");
                for (JsonNode bucket : table.path("buckets")) {
                    ObjectNode row = mixture.addObject();
                    row.put("bucket", bucket.path("name").asText());
                    for (String key : new String[] {"target_share", "effective_share", "realized_share"}) {
                        row.put(key, bucket.path(key).asDouble());
                    }
                    for (String key : new String[] {"unique_tokens", "written_tokens"}) {
                        row.put(key, bucket.path(key).asLong());
                    }
                    row.put("epochs", bucket.path("epochs").asDouble());
                    row.put("realized_epochs", bucket.path("realized_epochs").asDouble());
                }
            }
        }
        ArrayNode sections = root.putArray("sections");
        for (RunReport.Section section : report.sections()) {
            ObjectNode s = sections.addObject();
            s.put("name", section.name());
            s.put("origin", section.origin());
            s.put("rendered", ReportSections.of(section.name()).isPresent());
        }
        root.put("records", records);
        return root;
    }
}
