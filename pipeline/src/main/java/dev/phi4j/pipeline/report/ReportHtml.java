package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.core.report.Svg;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.pipeline.PipelineStatus;
import dev.phi4j.pipeline.mixture.MixtureManifest;
import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.stage.ManifestJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The inspection report as one self-contained HTML page: styles, charts (inline SVG) and the sample browser's script
 * and data are all inside the file, so it opens offline from disk or as a mail attachment.
 */
final class ReportHtml {

    private static final int GENERIC_JSON_CHARS = 20_000;

    /** The page and how many records its sample browser holds. */
    record Page(String html, int records) {}

    private ReportHtml() {}

    static Page render(RunReport report, Instant generated) {
        RecordIndex records = new RecordIndex();
        ReportContext context = new ReportContext(report, records);
        List<RunReport.Section> sections = report.sections();
        Html body = new Html();
        List<String[]> nav = new ArrayList<>();

        overview(body, report, nav);
        if (!report.stageManifests().isEmpty()) {
            funnel(body, report, nav);
        }
        Set<RunReport.Section> rendered = new LinkedHashSet<>();
        boolean setsShown = false;
        int card = 0;
        for (SectionRenderer renderer : ReportSections.ordered()) {
            if (!setsShown && renderer instanceof MixtureSections.Table && !report.sets().isEmpty()) {
                sets(body, report, nav);
                setsShown = true;
            }
            List<RunReport.Section> shown = new ArrayList<>();
            for (RunReport.Section section : sections) {
                if (!section.name().equals(renderer.name())) {
                    continue;
                }
                rendered.add(section);
                if (!renderer.card()) {
                    renderer.render(body, section, context);
                    continue;
                }
                if (shown.stream().anyMatch(s -> s.value().equals(section.value()))) {
                    continue;                   // the same section in several sets (the corpus profile): once
                }
                shown.add(section);
                String origins = String.join(", ", sections.stream().filter(s -> s.name().equals(section.name())
                        && s.value().equals(section.value())).map(RunReport.Section::origin).toList());
                String id = "s" + card++;
                if (nav.stream().noneMatch(n -> n[1].equals(renderer.title()))) {
                    nav.add(new String[] {id, renderer.title()});
                }
                body.card(id, renderer.title(), origins + " · " + section.name());
                renderer.render(body, section, context);
                body.endCard();
            }
        }
        if (!setsShown && !report.sets().isEmpty()) {
            sets(body, report, nav);
        }
        for (Manifest manifest : report.stageManifests()) {
            if (manifest.examples() == null) {
                continue;
            }
            manifest.examples().forEach((outcome, examples) -> examples.forEach(example -> {
                var record = records.add(example.id(), "document", example.sourceClass() + " · " + outcome + " in "
                        + manifest.stage().name());
                RecordIndex.text(record, example.excerpt());
                RecordIndex.field(record, "origin", example.originUri());
                RecordIndex.field(record, "source class", example.sourceClass());
                RecordIndex.field(record, "outcome at " + manifest.stage().dir(), outcome);
                RecordIndex.field(record, "characters", Integer.toString(example.chars()));
                if (example.metadata() != null) {
                    example.metadata().forEach((k, v) -> RecordIndex.field(record, k, v));
                }
            }));
        }
        browser(body, records, nav);
        List<RunReport.Section> others = sections.stream().filter(s -> !rendered.contains(s)).toList();
        if (!others.isEmpty()) {
            nav.add(new String[] {"other", "Other sections"});
            body.card("other", "Other sections", "no renderer registered; shown as tables");
            for (RunReport.Section section : others) {
                body.raw("<details open><summary>").text(section.name() + " — " + section.origin()).raw("</summary>");
                if (section.value().toString().length() > GENERIC_JSON_CHARS) {
                    body.raw("<pre>").text(truncate(pretty(section.value()))).raw("</pre>");
                } else {
                    GenericSection.render(body, section.value());
                }
                body.raw("</details>");
            }
            body.endCard();
        }
        if (!report.stageManifests().isEmpty()) {
            stageDetails(body, report, nav);
        }

        Html page = new Html();
        page.raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                + "script-src 'unsafe-inline'; img-src data:\">"
                + "<title>").text("phi4j report — " + report.name()).raw("</title><style>")
                .raw(Html.stylesheet()).raw(resource("inspection.css")).raw("</style></head><body><header><h1>")
                .text("phi4j dataset report — " + report.name()).raw("</h1><div class=\"meta\">")
                .text(report.runDir() + " · generated " + generated + " · from manifests only").raw("</div></header><nav>");
        for (String[] link : nav) {
            page.raw("<a href=\"#").text(link[0]).raw("\">").text(link[1]).raw("</a>");
        }
        page.raw("</nav><main>").raw(body.toString()).raw("</main><footer>")
                .text("phi4j report: stage manifests (_manifest.json) and mixture manifests (_mixture.json); "
                        + "see pipeline/README.md for the section formats.")
                .raw("</footer><script type=\"application/json\" id=\"records\">").raw(records.json())
                .raw("</script><script>").raw(resource("report.js")).raw("</script></body></html>\n");
        return new Page(page.toString(), records.size());
    }

    private static void overview(Html html, RunReport report, List<String[]> nav) {
        nav.add(new String[] {"overview", "Overview"});
        html.card("overview", "Overview", null).raw("<div class=\"tiles\">");
        List<Manifest> stages = report.stageManifests();
        if (!stages.isEmpty()) {
            tile(html, stages.size() + " / " + report.stages().size(), "stages finished");
            tile(html, Html.compact(stages.get(0).counts().in()), "records read by " + stages.get(0).stage().name());
            Manifest last = stages.get(stages.size() - 1);
            tile(html, Html.compact(last.counts().kept()), "documents kept after " + last.stage().name());
            boolean holds = stages.stream().allMatch(m -> m.invariant().holds());
            tile(html, holds ? "✓ every stage" : "✗ broken", "in = kept + dropped");
        }
        for (RunReport.MixtureSet set : report.sets()) {
            MixtureManifest m = set.manifest();
            long tokens = m.shards().splits().entrySet().stream()
                    .filter(e -> !e.getKey().contains(ShardNames.VALIDATION))
                    .mapToLong(e -> e.getValue().tokens()).sum();
            tile(html, Html.compact(tokens), m.name() + (m.name().equals(m.kind()) ? "" : " (" + m.kind() + ")")
                    + " tokens · seq_len " + Html.count(m.shards().seqLen()));
        }
        html.raw("</div>").endCard();
    }

    private static void tile(Html html, String value, String label) {
        html.raw("<div class=\"t\"><b>").text(value).raw("</b><span>").text(label).raw("</span></div>");
    }

    private static void funnel(Html html, RunReport report, List<String[]> nav) {
        nav.add(new String[] {"funnel", "Funnel"});
        List<Manifest> stages = report.stageManifests();
        List<String> segments = new ArrayList<>(List.of("kept"));
        for (Manifest m : stages) {
            m.counts().droppedByReason().keySet().stream().filter(r -> !segments.contains(r)).forEach(segments::add);
        }
        List<String> colors = new ArrayList<>(List.of(Svg.color(2)));
        int c = 0;
        for (int i = 1; i < segments.size(); i++) {
            if (c % Svg.PALETTE.length == 2) {
                c++;
            }
            colors.add(Svg.color(c++));
        }
        double[][] values = new double[stages.size()][segments.size()];
        List<String> labels = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            Manifest m = stages.get(s);
            labels.add(m.stage().dir());
            values[s][0] = m.counts().kept();
            for (Map.Entry<String, Long> e : m.counts().droppedByReason().entrySet()) {
                values[s][segments.indexOf(e.getKey())] = e.getValue();
            }
            List<String> reasons = new ArrayList<>();
            m.counts().droppedByReason().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> reasons.add(Html.escape(e.getKey()) + " " + Html.count(e.getValue())));
            rows.add(new String[] {Html.escape(m.stage().dir()), Html.escape(m.stage().type()),
                    Html.count(m.counts().in()), Html.count(m.counts().kept()), Html.count(m.counts().dropped()),
                    String.join(", ", reasons), m.timings() == null ? "" : Html.decimal(m.timings().seconds(), 1),
                    m.invariant().holds() ? "<span class=\"good\">✓</span>" : "<b class=\"bad\">✗</b>"});
        }
        html.card("funnel", "Funnel: records per stage", "in = kept + dropped, by reason")
                .raw(Svg.stacked(labels, segments, values, colors))
                .table(new String[] {"stage", "type", "in#", "kept#", "dropped#", "dropped by reason", "seconds#",
                        "in = kept + dropped"}, rows);
        List<String[]> pending = new ArrayList<>();
        for (PipelineStatus.StageStatus status : report.stages()) {
            if (status.manifest().isEmpty()) {
                pending.add(new String[] {Html.escape(status.dir()), Html.escape(status.status())});
            }
        }
        if (!pending.isEmpty()) {
            html.raw("<h4>stages without a manifest</h4>").table(new String[] {"stage", "status"}, pending);
        }
        html.endCard();
    }

    private static void sets(Html html, RunReport report, List<String[]> nav) {
        nav.add(new String[] {"sets", "Token sets"});
        html.card("sets", "Token shard sets", "what phi4j train reads");
        for (RunReport.MixtureSet set : report.sets()) {
            MixtureManifest m = set.manifest();
            html.raw("<h3>").text(m.name()).raw(" <span class=\"sub\">").text(m.kind() + " · seq_len "
                    + Html.count(m.shards().seqLen()) + " · " + m.shards().tokenType() + (m.shards().lossMask()
                    ? " · loss masks" : "") + " · tokenizer " + m.tokenizer().name() + " (vocabulary "
                    + Html.count(m.tokenizer().vocabSize()) + ")").raw("</span></h3>");
            html.raw("<p class=\"kv\">").text(String.format(Locale.ROOT, "%s records in → %s kept, %s dropped%s · "
                            + "built in %s s · ", Html.count(m.counts().in()), Html.count(m.counts().kept()),
                    Html.count(m.counts().dropped()), m.counts().droppedByReason().isEmpty() ? ""
                            : " " + m.counts().droppedByReason(),
                    m.timings() == null ? "?" : Html.decimal(m.timings().seconds(), 1)))
                    .raw("<code>").text("phi4j train CONFIG --data " + RunReport.display(set.dir()) + "/" + m.shards().path())
                    .raw("</code></p>");
            List<String[]> rows = new ArrayList<>();
            m.shards().splits().forEach((split, info) -> rows.add(new String[] {Html.escape(split),
                    Html.count(info.files()), Html.count(info.sequences()), Html.count(info.tokens()),
                    Html.count(info.lossTokens()), Html.count(info.paddingTokens()),
                    Html.count(info.droppedTailTokens())}));
            html.table(new String[] {"split", "files#", "rows#", "tokens#", "loss tokens#", "padding#",
                    "dropped tail tokens#"}, rows);
            if (!m.notes().isEmpty()) {
                html.raw("<ul class=\"notes\">");
                m.notes().forEach(note -> html.raw("<li>").text(note).raw("</li>"));
                html.raw("</ul>");
            }
        }
        html.endCard();
    }

    private static void browser(Html html, RecordIndex records, List<String[]> nav) {
        nav.add(new String[] {"browser-card", "Sample browser"});
        html.card("browser-card", "Sample browser", "records with their lineage: sequence → documents → source file, "
                + "seed, teacher call");
        html.raw("<div id=\"browser\"><div><div id=\"browser-controls\"><input id=\"browser-filter\" type=\"search\" "
                + "placeholder=\"filter by id, text, field\"><select id=\"browser-type\"><option value=\"\">all types"
                + "</option></select></div><div class=\"sub\" id=\"browser-count\"></div><ul id=\"browser-list\"></ul>"
                + "</div><div id=\"browser-detail\"></div></div>");
        html.endCard();
    }

    private static void stageDetails(Html html, RunReport report, List<String[]> nav) {
        nav.add(new String[] {"details", "Stage details"});
        html.card("details", "Stage details", "config, inputs, timings and examples per stage");
        for (Manifest m : report.stageManifests()) {
            html.raw("<details><summary>").text(m.stage().dir() + " — " + m.stage().type() + " ("
                    + (m.timings() == null ? "?" : Html.decimal(m.timings().seconds(), 1)) + " s)").raw("</summary>");
            html.raw("<h4>config</h4><pre>").text(m.config() == null ? "" : pretty(m.config().value())).raw("</pre>");
            List<String[]> inputs = new ArrayList<>();
            if (m.inputs() != null) {
                m.inputs().forEach(i -> inputs.add(new String[] {Html.escape(i.kind()), Html.escape(i.name()),
                        "<code>" + Html.escape(i.path()) + "</code>", Html.count(i.files()), Html.bytes(i.bytes())}));
            }
            html.raw("<h4>inputs</h4>").table(new String[] {"kind", "name", "path", "files#", "bytes#"}, inputs);
            if (m.timings() != null && m.timings().phases() != null) {
                List<String[]> phases = new ArrayList<>();
                m.timings().phases().forEach((phase, s) -> phases.add(new String[] {Html.escape(phase),
                        Html.decimal(s, 2)}));
                html.raw("<h4>timings</h4>").table(new String[] {"phase", "seconds#"}, phases);
            }
            if (m.examples() != null && !m.examples().isEmpty()) {
                html.raw("<h4>examples</h4>");
                List<String[]> rows = new ArrayList<>();
                m.examples().forEach((outcome, list) -> list.forEach(e -> rows.add(new String[] {
                        Html.escape(outcome), "<a href=\"#record=" + Html.escape(e.id()) + "\">"
                        + Html.escape(e.id()) + "</a>", "<code>" + Html.escape(e.originUri()) + "</code>",
                        Html.escape(e.excerpt())})));
                html.table(new String[] {"outcome", "id", "origin", "excerpt"}, rows);
            }
            html.raw("</details>");
        }
        html.endCard();
    }

    static String pretty(JsonNode node) {
        try {
            return ManifestJson.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return String.valueOf(node);
        }
    }

    private static String truncate(String text) {
        return text.length() <= GENERIC_JSON_CHARS ? text : text.substring(0, GENERIC_JSON_CHARS) + "\n… ("
                + Html.count(text.length() - GENERIC_JSON_CHARS) + " more characters)";
    }

    private static String resource(String name) {
        try (InputStream in = ReportHtml.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("report resource " + name + " missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
