package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Renderers of the data stages' sections: ingest sources, dedup clusters, decontamination hits. */
final class DataSections {

    private DataSections() {}

    /** {@code ingest.sources}: a list of {name, format, source_class, paths, files, bytes, rows: {outcome: n}}. */
    static final class IngestSources implements SectionRenderer {
        @Override
        public String name() {
            return "ingest.sources";
        }

        @Override
        public String title() {
            return "Sources";
        }

        @Override
        public String writer() {
            return "ingest";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<String[]> rows = new ArrayList<>();
            for (JsonNode source : section.value()) {
                long kept = source.path("rows").path("kept").asLong();
                long dropped = 0;
                List<String> reasons = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = source.path("rows").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().equals("kept")) {
                        dropped += e.getValue().asLong();
                        reasons.add(e.getKey() + " " + Html.count(e.getValue().asLong()));
                    }
                }
                rows.add(new String[] {Html.escape(source.path("name").asText()),
                        Html.escape(source.path("format").asText()), Html.escape(source.path("source_class").asText()),
                        Html.count(source.path("files").asLong()), Html.bytes(source.path("bytes").asLong()),
                        Html.count(kept + dropped), Html.count(kept), Html.count(dropped),
                        Html.escape(String.join(", ", reasons)), paths(source.path("paths"))});
            }
            html.table(new String[] {"source", "format", "class", "files#", "bytes#", "records#", "kept#",
                    "quarantined#", "reasons", "paths"}, rows);
        }

        private static String paths(JsonNode paths) {
            List<String> list = new ArrayList<>();
            paths.forEach(p -> list.add("<code>" + Html.escape(p.asText()) + "</code>"));
            return String.join("<br>", list);
        }
    }

    /**
     * {@code dedup.clusters}: {@code {method, documents, clusters, duplicates, histogram: [{size, clusters}],
     * largest: [{representative, size, excerpt}]}}, or an object of such objects by method (e.g. {@code exact},
     * {@code near}).
     */
    static final class DedupClusters implements SectionRenderer {
        @Override
        public String name() {
            return "dedup.clusters";
        }

        @Override
        public String title() {
            return "Deduplication: cluster sizes";
        }

        @Override
        public String writer() {
            return "dedup";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode value = section.value();
            if (value.has("histogram")) {
                one(html, value.path("method").asText(""), value);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().has("histogram")) {
                    one(html, e.getKey(), e.getValue());
                }
            }
        }

        private static void one(Html html, String method, JsonNode value) {
            html.raw("<h3>").text(method.isEmpty() ? "clusters" : method).raw("</h3>");
            html.raw("<p class=\"kv\">").text(String.format("%s documents in %s clusters; %s duplicates dropped",
                    Html.count(value.path("documents").asLong()), Html.count(value.path("clusters").asLong()),
                    Html.count(value.path("duplicates").asLong()))).raw("</p>");
            List<String> labels = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (JsonNode bin : value.path("histogram")) {
                labels.add(bin.path("size").asText());
                counts.add(bin.path("clusters").asLong());
            }
            if (!labels.isEmpty()) {
                html.raw("<div class=\"caption\">clusters by size (documents per cluster; log scale)</div>")
                        .raw(Svg.histogram(labels, counts.stream().mapToLong(Long::longValue).toArray(), "clusters",
                                true));
            }
            List<String[]> rows = new ArrayList<>();
            for (JsonNode cluster : value.path("largest")) {
                rows.add(new String[] {Html.count(cluster.path("size").asLong()),
                        "<code>" + Html.escape(cluster.path("representative").asText()) + "</code>",
                        Html.escape(cluster.path("excerpt").asText())});
            }
            if (!rows.isEmpty()) {
                html.raw("<h4>largest clusters</h4>").table(new String[] {"size#", "representative", "excerpt"}, rows);
            }
        }
    }

    /**
     * {@code decontam.hits}: {@code {benchmarks: [{name, items, contaminated, partial, action, examples: [{document_id,
     * item_id, match, ratio, text, spans: [[start, end]], item_text}]}]}}; spans index characters of {@code text}.
     */
    static final class DecontamHits implements SectionRenderer {
        @Override
        public String name() {
            return "decontam.hits";
        }

        @Override
        public String title() {
            return "Decontamination: hits per benchmark";
        }

        @Override
        public String writer() {
            return "decontam";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<String[]> rows = new ArrayList<>();
            JsonNode benchmarks = section.value().path("benchmarks");
            for (JsonNode benchmark : benchmarks) {
                rows.add(new String[] {Html.escape(benchmark.path("name").asText()),
                        Html.count(benchmark.path("items").asLong()), Html.count(benchmark.path("contaminated").asLong()),
                        Html.count(benchmark.path("partial").asLong()), Html.escape(benchmark.path("action").asText())});
            }
            html.table(new String[] {"benchmark", "items#", "contaminated docs#", "partial docs#", "action"}, rows);
            for (JsonNode benchmark : benchmarks) {
                if (benchmark.path("examples").isEmpty()) {
                    continue;
                }
                html.raw("<h4>").text(benchmark.path("name").asText()).raw(" — examples</h4>");
                for (JsonNode example : benchmark.path("examples")) {
                    List<int[]> spans = new ArrayList<>();
                    for (JsonNode span : example.path("spans")) {
                        spans.add(new int[] {span.path(0).asInt(), span.path(1).asInt()});
                    }
                    html.raw("<div class=\"hit\"><div class=\"meta\">").text(String.format("%s · %s · item %s%s",
                            example.path("document_id").asText(), example.path("match").asText(),
                            example.path("item_id").asText(), example.has("ratio") ? String.format(" · 7-gram ratio %s",
                                    Html.decimal(example.path("ratio").asDouble(), 2)) : "")).raw("</div>");
                    html.raw("<div class=\"excerpt\">")
                            .raw(Html.highlight(example.path("text").asText(), spans.toArray(int[][]::new)))
                            .raw("</div>");
                    if (example.hasNonNull("item_text")) {
                        html.raw("<div class=\"item\"><b>benchmark item:</b> ").text(example.path("item_text").asText())
                                .raw("</div>");
                    }
                    html.raw("</div>");
                    var record = context.records().add(example.path("document_id").asText(), "document",
                            "contaminated: " + benchmark.path("name").asText());
                    RecordIndex.text(record, example.path("text").asText());
                    RecordIndex.field(record, "decontam.benchmark", benchmark.path("name").asText());
                    RecordIndex.field(record, "decontam.item", example.path("item_id").asText());
                    RecordIndex.field(record, "stage", section.origin());
                }
            }
        }
    }
}
