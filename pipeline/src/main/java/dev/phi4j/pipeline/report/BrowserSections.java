package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.pipeline.stage.ManifestJson;

import java.util.Iterator;
import java.util.Map;

/** Sections that only feed the sample browser: decoded packed rows and explicit lineage records. */
final class BrowserSections {

    private BrowserSections() {}

    /**
     * {@code mixture.samples}, {@code sft.samples}, {@code dpo.samples}: packed rows decoded, segment by segment
     * ({@code {rows: [{split, file, row, segments: [{id, copy, start, end, runs: [{text, loss}]}]}], documents: {id:
     * {source, source_class, origin_uri, metadata, lineage}}}}, or the list of rows alone).
     */
    static final class Samples implements SectionRenderer {
        private final String name;

        Samples(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String title() {
            return "Packed rows";
        }

        @Override
        public String writer() {
            return "phi4j mixture build";
        }

        @Override
        public boolean card() {
            return false;
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode value = section.value();
            JsonNode rows = value.isArray() ? value : value.path("rows");
            JsonNode documents = value.path("documents");
            String set = section.origin().replaceFirst("^set ", "");
            for (JsonNode row : rows) {
                String id = set + "/" + row.path("file").asText() + "#" + row.path("row").asInt();
                ObjectNode record = context.records().add(id, "sequence", set + " · " + row.path("split").asText()
                        + " row " + row.path("row").asInt());
                RecordIndex.field(record, "set", set);
                RecordIndex.field(record, "split", row.path("split").asText());
                RecordIndex.field(record, "shard file", row.path("file").asText());
                RecordIndex.field(record, "row", row.path("row").asText());
                RecordIndex.field(record, "tokens", row.path("tokens").asText());
                ArrayNode runs = ManifestJson.MAPPER.createArrayNode();
                for (JsonNode segment : row.path("segments")) {
                    ObjectNode marker = runs.addObject();
                    String segmentId = segment.path("id").isNull() ? null : segment.path("id").asText(null);
                    marker.put("segment", segmentId == null ? "padding" : segmentId
                            + (segment.path("copy").asInt() > 0 ? " (copy " + segment.path("copy").asInt() + ")" : ""));
                    for (JsonNode run : segment.path("runs")) {
                        runs.add(run);
                    }
                    if (segment.path("cut").asBoolean()) {
                        runs.addObject().put("text", " …");
                    }
                    if (segmentId == null) {
                        continue;
                    }
                    RecordIndex.parent(record, segmentId);
                    JsonNode document = documents.path(segmentId);
                    ObjectNode child = context.records().add(segmentId, document.isMissingNode() ? "record"
                            : "document", document.isMissingNode() ? segmentId
                            : document.path("source").asText() + " · " + document.path("source_class").asText());
                    StringBuilder text = new StringBuilder();
                    for (JsonNode run : segment.path("runs")) {
                        text.append(run.path("text").asText());
                    }
                    RecordIndex.text(child, text.toString());
                    if (!document.isMissingNode()) {
                        RecordIndex.field(child, "source", document.path("source").asText());
                        RecordIndex.field(child, "source class", document.path("source_class").asText());
                        RecordIndex.field(child, "origin", document.path("origin_uri").asText());
                        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("metadata").fields();
                             it.hasNext(); ) {
                            Map.Entry<String, JsonNode> e = it.next();
                            RecordIndex.field(child, e.getKey(), e.getValue().asText());
                        }
                        RecordIndex.parents(child, document.path("lineage"));
                    }
                }
                RecordIndex.runs(record, runs);
            }
        }
    }

    /**
     * {@code lineage.records}: records any stage wants in the browser, e.g. seeds, synthetic samples and teacher
     * calls: {@code [{id, type, title, text, fields: {k: v}, parents: [id]}]}.
     */
    static final class LineageRecords implements SectionRenderer {
        @Override
        public String name() {
            return "lineage.records";
        }

        @Override
        public String title() {
            return "Lineage records";
        }

        @Override
        public String writer() {
            return "any stage (synthetic generation: seeds, samples, teacher calls)";
        }

        @Override
        public boolean card() {
            return false;
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            for (JsonNode item : section.value()) {
                String id = item.path("id").asText();
                if (id.isEmpty()) {
                    continue;
                }
                ObjectNode record = context.records().add(id, item.path("type").asText("record"),
                        item.path("title").asText(id));
                RecordIndex.text(record, item.path("text").asText(null));
                RecordIndex.fields(record, item.path("fields"));
                RecordIndex.field(record, "stage", section.origin());
                RecordIndex.parents(record, item.path("parents"));
            }
        }
    }
}
