package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.core.report.MixtureTable;
import dev.phi4j.core.report.Svg;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renderers of the mixture build's sections: the mixture table, per-source tokens, the corpus profile, SFT/DPO. */
final class MixtureSections {

    private MixtureSections() {}

    /** {@code mixture.table}: target vs realized share and epochs per bucket (see pipeline/README.md). */
    static final class Table implements SectionRenderer {
        @Override
        public String name() {
            return "mixture.table";
        }

        @Override
        public String title() {
            return "Mixture: target vs realized";
        }

        @Override
        public String writer() {
            return "phi4j mixture build (pretrain, midtrain)";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            MixtureTable.render(html, section.value());
        }
    }

    /** {@code mixture.sources}: per source, documents, tokens and what the plan used of them. */
    static final class Sources implements SectionRenderer {
        @Override
        public String name() {
            return "mixture.sources";
        }

        @Override
        public String title() {
            return "Mixture: sources";
        }

        @Override
        public String writer() {
            return "phi4j mixture build (pretrain, midtrain)";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<String[]> rows = new ArrayList<>();
            for (JsonNode source : section.value()) {
                rows.add(new String[] {Html.escape(source.path("source").asText()),
                        Html.escape(source.path("source_class").asText()), Html.escape(source.path("group").asText()),
                        Html.count(source.path("documents").asLong()), Html.count(source.path("tokens").asLong()),
                        Html.count(source.path("held_out_documents").asLong()),
                        Html.count(source.path("documents_used").asLong()),
                        Html.count(source.path("train_copies").asLong()),
                        Html.count(source.path("train_tokens_planned").asLong()),
                        Html.count(source.path("validation_tokens_planned").asLong())});
            }
            html.table(new String[] {"source", "class", "group", "documents#", "unique tokens#", "held out#",
                    "documents used#", "train copies#", "train tokens#", "validation tokens#"}, rows);
        }
    }

    /** {@code corpus.profile}: token-length histogram and top n-grams per source. */
    static final class Profile implements SectionRenderer {
        @Override
        public String name() {
            return "corpus.profile";
        }

        @Override
        public String title() {
            return "Corpus: token lengths and top n-grams per source";
        }

        @Override
        public String writer() {
            return "phi4j mixture build";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode profile = section.value();
            html.raw("<p class=\"kv\">").text("tokenizer " + profile.path("tokenizer").asText() + " · "
                    + profile.path("ngram").asInt() + "-grams of lower-cased words · stage "
                    + profile.path("stage_dir").asText()).raw("</p><div class=\"grid\">");
            for (JsonNode source : profile.path("sources")) {
                html.raw("<div class=\"tile\"><h3>").text(source.path("source").asText()).raw(" <span class=\"sub\">")
                        .text(source.path("source_class").asText() + " → " + source.path("group").asText())
                        .raw("</span></h3><p class=\"kv\">").text(String.format(Locale.ROOT,
                                "%s docs · %s tokens · mean %s · p50 ≤ %s · p90 ≤ %s · max %s",
                                Html.count(source.path("documents").asLong()), Html.compact(source.path("tokens")
                                        .asDouble()), Html.decimal(source.path("mean_tokens").asDouble(), 0),
                                Html.count(source.path("p50_tokens").asLong()),
                                Html.count(source.path("p90_tokens").asLong()),
                                Html.count(source.path("max_tokens").asLong()))).raw("</p>");
                List<String> labels = new ArrayList<>();
                List<Long> counts = new ArrayList<>();
                for (JsonNode bin : source.path("length_histogram")) {
                    labels.add(Html.compact(bin.path("from").asDouble()));
                    counts.add(bin.path("documents").asLong());
                }
                html.raw("<div class=\"caption\">documents by token length (powers of two)</div>")
                        .raw(Svg.histogram(labels, counts.stream().mapToLong(Long::longValue).toArray(), "documents"));
                html.raw("<div class=\"caption\">top n-grams (").text(Html.count(
                        source.path("ngram_sample_documents").asLong())).raw(" documents sampled)</div><ol class=\"ngrams\">");
                for (JsonNode gram : source.path("top_ngrams")) {
                    html.raw("<li><code>").text(gram.path("ngram").asText()).raw("</code> <span class=\"n\">")
                            .text(Html.count(gram.path("count").asLong())).raw("</span></li>");
                }
                html.raw("</ol></div>");
            }
            html.raw("</div>");
        }
    }

    /** {@code sft.summary} and {@code dpo.summary}: records, rows, loss and padding tokens per split. */
    static final class PostTrainingSummary implements SectionRenderer {
        private final String kind;

        PostTrainingSummary(String kind) {
            this.kind = kind;
        }

        @Override
        public String name() {
            return kind + ".summary";
        }

        @Override
        public String title() {
            return kind.equals("sft") ? "SFT set" : "DPO set";
        }

        @Override
        public String writer() {
            return "phi4j mixture build (" + kind + ")";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode summary = section.value();
            html.raw("<p class=\"kv\">").text(String.format("%s records read, %s kept; %s in train, %s in validation",
                    Html.count(summary.path("records_in").asLong()), Html.count(summary.path("records_kept").asLong()),
                    Html.count(summary.path("train_records").asLong()),
                    Html.count(summary.path("validation_records").asLong())));
            if (summary.has("pairs_by_kind")) {
                html.text(" · pairs by kind: " + summary.path("pairs_by_kind").toString());
            }
            html.raw("</p>");
            List<String[]> rows = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = summary.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isObject() && e.getValue().has("rows")) {
                    JsonNode s = e.getValue();
                    rows.add(new String[] {Html.escape(e.getKey()), Html.count(s.path("rows").asLong()),
                            Html.count(s.path("tokens").asLong()), Html.count(s.path("loss_tokens").asLong()),
                            Html.count(s.path("padding_tokens").asLong()),
                            Html.percent(s.path("padding_fraction").asDouble())});
                }
            }
            html.table(new String[] {"split", "rows#", "tokens#", "loss tokens#", "padding tokens#", "padding#"},
                    rows);
        }
    }

    /** {@code sft.dropped_examples} and {@code dpo.dropped_examples}: a few dropped records per reason. */
    static final class DroppedExamples implements SectionRenderer {
        private final String kind;

        DroppedExamples(String kind) {
            this.kind = kind;
        }

        @Override
        public String name() {
            return kind + ".dropped_examples";
        }

        @Override
        public String title() {
            return (kind.equals("sft") ? "SFT" : "DPO") + ": dropped records";
        }

        @Override
        public String writer() {
            return "phi4j mixture build (" + kind + ")";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<String[]> rows = new ArrayList<>();
            for (JsonNode example : section.value()) {
                rows.add(new String[] {Html.escape(example.path("reason").asText()),
                        Html.escape(example.path("detail").asText()),
                        "<code>" + Html.escape(example.path("location").asText()) + "</code>"});
            }
            if (rows.isEmpty()) {
                html.raw("<p class=\"kv\">none</p>");
            } else {
                html.table(new String[] {"reason", "detail", "file"}, rows);
            }
        }
    }
}
