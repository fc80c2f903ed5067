package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.core.report.Svg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renderers of the data stages' sections: ingest sources, dedup clusters and duplicate rates per source,
 * decontamination hits, and the expansion of stages that yield several rows per input row.
 */
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
     * {@code dedup.clusters} as the dedup stage writes it: {@code {exact_duplicate|near_duplicate: {kind, clusters,
     * duplicates, size_histogram: {"2": n, "3": n, "5-8": n}, largest: [{kept_id, size, kept_origin_uri,
     * kept_excerpt}]}}}.
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
            for (Iterator<Map.Entry<String, JsonNode>> it = section.value().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode kind = e.getValue();
                if (!kind.isObject()) {
                    continue;
                }
                html.raw("<h3>").text(e.getKey().replace('_', ' ')).raw("</h3><p class=\"kv\">").text(String.format(
                        "%s clusters of duplicates; %s documents dropped as duplicates of a kept one",
                        Html.count(kind.path("clusters").asLong()), Html.count(kind.path("duplicates").asLong())))
                        .raw("</p>");
                List<String> labels = new ArrayList<>();
                List<Long> counts = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> bins = kind.path("size_histogram").fields(); bins.hasNext(); ) {
                    Map.Entry<String, JsonNode> bin = bins.next();
                    labels.add(bin.getKey());
                    counts.add(bin.getValue().asLong());
                }
                if (!labels.isEmpty()) {
                    html.raw("<div class=\"caption\">clusters by size (documents per cluster, the kept one included; "
                            + "log scale)</div>").raw(Svg.histogram(labels, counts.stream().mapToLong(Long::longValue)
                            .toArray(), "clusters", true));
                }
                List<String[]> rows = new ArrayList<>();
                for (JsonNode cluster : kind.path("largest")) {
                    String id = cluster.path("kept_id").asText();
                    rows.add(new String[] {Html.count(cluster.path("size").asLong()), "<a href=\"#record="
                            + Html.escape(id) + "\">" + Html.escape(id) + "</a>",
                            "<code>" + Html.escape(cluster.path("kept_origin_uri").asText()) + "</code>",
                            Html.escape(cluster.path("kept_excerpt").asText())});
                    var record = context.records().add(id, "document", "kept of a " + e.getKey().replace('_', ' ')
                            + " cluster of " + cluster.path("size").asLong());
                    RecordIndex.text(record, cluster.path("kept_excerpt").asText());
                    RecordIndex.field(record, "origin", cluster.path("kept_origin_uri").asText());
                    RecordIndex.field(record, "cluster size", cluster.path("size").asText());
                }
                if (!rows.isEmpty()) {
                    html.raw("<h4>largest clusters</h4>").table(new String[] {"size#", "kept document", "origin",
                            "excerpt"}, rows);
                }
            }
        }
    }

    /**
     * {@code dedup.by_source}: {@code [{source, documents, exact_duplicates, near_duplicates, duplicate_rate}]}, shown
     * with the highest duplicate rate first: which sources (which synthetic templates) repeat themselves.
     */
    static final class DedupBySource implements SectionRenderer {
        @Override
        public String name() {
            return "dedup.by_source";
        }

        @Override
        public String title() {
            return "Deduplication: duplicate rate per source";
        }

        @Override
        public String writer() {
            return "dedup";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<JsonNode> sources = new ArrayList<>();
            section.value().forEach(sources::add);
            sources.sort(Comparator.comparingDouble((JsonNode s) -> s.path("duplicate_rate").asDouble()).reversed()
                    .thenComparing(s -> s.path("source").asText()));
            List<String[]> rows = new ArrayList<>();
            for (JsonNode source : sources) {
                rows.add(new String[] {Html.escape(source.path("source").asText()),
                        Html.count(source.path("documents").asLong()),
                        Html.count(source.path("exact_duplicates").asLong()),
                        Html.count(source.path("near_duplicates").asLong()),
                        Html.percent(source.path("duplicate_rate").asDouble())});
            }
            html.raw("<p class=\"kv\">").text("documents dropped as exact or near copies of a kept document, over "
                    + "the documents each source brought (synthetic documents: source synth/TEMPLATE)").raw("</p>")
                    .table(new String[] {"source", "documents#", "exact duplicates#", "near duplicates#",
                            "duplicate rate#"}, rows);
        }
    }

    /**
     * {@code stage.expansion}: {@code {input_rows, input_rows_with_output, output_rows}}, written by the stage runner
     * for a stage that yields any number of rows per input row (seed excerpts of a document).
     */
    static final class Expansion implements SectionRenderer {
        @Override
        public String name() {
            return "stage.expansion";
        }

        @Override
        public String title() {
            return "Expansion: output rows per input row";
        }

        @Override
        public String writer() {
            return "the stage runner, for expanding stages (seed)";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode value = section.value();
            long input = value.path("input_rows").asLong();
            long covered = value.path("input_rows_with_output").asLong();
            long output = value.path("output_rows").asLong();
            html.raw("<p class=\"kv\">").text(String.format(Locale.ROOT, "%s input rows → %s output rows (%s per "
                            + "input row, kept and dropped); %s of the input rows (%s) are the parent of at least one",
                    Html.count(input), Html.count(output), input == 0 ? "–" : Html.decimal((double) output / input, 2),
                    Html.count(covered), input == 0 ? "–" : Html.percent((double) covered / input))).raw("</p>");
        }
    }

    /**
     * {@code decontam.matcher_hits}: {@code {<benchmark>: {<matcher>: {documents, items_hit, top_items: [{item,
     * documents, example_origin, example_span}]}}}}, what each configured matcher flagged on its own; the example's
     * overlapping span is highlighted.
     */
    static final class DecontamMatcherHits implements SectionRenderer {
        @Override
        public String name() {
            return "decontam.matcher_hits";
        }

        @Override
        public String title() {
            return "Decontamination: hits per benchmark and matcher";
        }

        @Override
        public String writer() {
            return "decontam";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<String[]> rows = new ArrayList<>();
            List<String[]> examples = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = section.value().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> benchmark = it.next();
                for (Iterator<Map.Entry<String, JsonNode>> m = benchmark.getValue().fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> matcher = m.next();
                    rows.add(new String[] {Html.escape(benchmark.getKey()), Html.escape(matcher.getKey()),
                            Html.count(matcher.getValue().path("documents").asLong()),
                            Html.count(matcher.getValue().path("items_hit").asLong())});
                    for (JsonNode item : matcher.getValue().path("top_items")) {
                        examples.add(new String[] {Html.escape(benchmark.getKey()), Html.escape(matcher.getKey()),
                                Html.escape(item.path("item").asText()), Html.count(item.path("documents").asLong()),
                                "<code>" + Html.escape(item.path("example_origin").asText()) + "</code>",
                                "<mark>" + Html.escape(item.path("example_span").asText()) + "</mark>"});
                    }
                }
            }
            html.table(new String[] {"benchmark", "matcher", "documents flagged#", "items hit#"}, rows);
            if (!examples.isEmpty()) {
                html.raw("<h4>items each matcher hit most</h4>").table(new String[] {"benchmark", "matcher", "item",
                        "documents#", "example document", "overlapping span"}, examples);
            }
        }
    }

    /**
     * {@code decontam.hits} as the decontamination stage writes it: {@code {<benchmark>: {items,
     * contaminated_documents, partial_documents, by_rule: {13gram: n, 7gram: n}, items_hit, top_items: [{item,
     * documents, example_origin, example_span}]}}}; the stage's examples of dropped documents carry the overlapping
     * span in {@code metadata["decontam.span"]}, highlighted here in their excerpt.
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
            for (Iterator<Map.Entry<String, JsonNode>> it = section.value().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode b = e.getValue();
                List<String> rules = new ArrayList<>();
                b.path("by_rule").fields().forEachRemaining(r -> rules.add(r.getKey() + " " + Html.count(
                        r.getValue().asLong())));
                rows.add(new String[] {Html.escape(e.getKey()), Html.count(b.path("items").asLong()),
                        Html.count(b.path("items_hit").asLong()), Html.count(b.path("contaminated_documents").asLong()),
                        Html.count(b.path("partial_documents").asLong()), Html.escape(String.join(", ", rules))});
            }
            html.table(new String[] {"benchmark", "items#", "items hit#", "contaminated documents#",
                    "partially contaminated#", "by rule"}, rows);
            for (Iterator<Map.Entry<String, JsonNode>> it = section.value().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String[]> items = new ArrayList<>();
                for (JsonNode item : e.getValue().path("top_items")) {
                    items.add(new String[] {Html.escape(item.path("item").asText()),
                            Html.count(item.path("documents").asLong()),
                            "<code>" + Html.escape(item.path("example_origin").asText()) + "</code>",
                            "<mark>" + Html.escape(item.path("example_span").asText()) + "</mark>"});
                }
                if (!items.isEmpty()) {
                    html.raw("<h4>").text(e.getKey() + ": benchmark items hit most").raw("</h4>")
                            .table(new String[] {"item", "documents#", "example document", "overlapping span"}, items);
                }
            }
            context.report().stageManifests().stream().filter(m -> m.stage().dir().equals(section.origin()))
                    .findFirst().ifPresent(manifest -> examples(html, manifest, context));
        }

        private static void examples(Html html, dev.phi4j.pipeline.stage.Manifest manifest, ReportContext context) {
            if (manifest.examples() == null) {
                return;
            }
            boolean heading = false;
            for (Map.Entry<String, List<dev.phi4j.pipeline.stage.Manifest.Example>> outcome
                    : manifest.examples().entrySet()) {
                for (dev.phi4j.pipeline.stage.Manifest.Example example : outcome.getValue()) {
                    Map<String, String> metadata = example.metadata() == null ? Map.of() : example.metadata();
                    String span = metadata.get("decontam.span");
                    if (span == null) {
                        continue;
                    }
                    if (!heading) {
                        html.raw("<h4>examples (overlap highlighted)</h4>");
                        heading = true;
                    }
                    String quoted = span.endsWith("…") ? span.substring(0, span.length() - 1) : span;
                    String excerpt = example.excerpt();
                    int at = excerpt.indexOf(quoted);
                    html.raw("<div class=\"hit\"><div class=\"meta\">").text(String.format("%s · %s · %s %s · rule %s"
                                    + "%s · %s", example.id(), outcome.getKey(), metadata.getOrDefault(
                                    "decontam.benchmark", "?"), metadata.getOrDefault("decontam.item", ""),
                            metadata.getOrDefault("decontam.rule", "?"), metadata.containsKey("decontam.ratio")
                                    ? " · 7-gram ratio " + metadata.get("decontam.ratio") : "", example.originUri()))
                            .raw("</div><div class=\"excerpt\">");
                    if (at >= 0) {
                        html.raw(Html.highlight(excerpt, new int[][] {{at, at + quoted.length()}}));
                    } else {
                        html.text(excerpt).raw("<br><b>overlap:</b> <mark>").text(span).raw("</mark>");
                    }
                    html.raw("</div></div>");
                }
            }
        }
    }
}
