package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renderers of the synthetic-data stages' sections (later issues define the stages; the shapes are fixed here and in
 * pipeline/README.md so those stages only have to write them): plurality agreement, self-revision score changes,
 * teacher usage.
 */
final class SynthSections {

    private SynthSections() {}

    /**
     * {@code plurality.agreement}: {@code {answers_per_question, questions, kept, dropped_all_agree, dropped_none_agree,
     * histogram: [{agreeing, questions}]}}: how many of the independent answers agree with the plurality answer.
     */
    static final class Plurality implements SectionRenderer {
        @Override
        public String name() {
            return "plurality.agreement";
        }

        @Override
        public String title() {
            return "Plurality filtering: answer agreement";
        }

        @Override
        public String writer() {
            return "plurality (synthetic data issue)";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode value = section.value();
            html.raw("<p class=\"kv\">").text(String.format(Locale.ROOT, "%s questions × %s answers · kept %s · "
                            + "dropped as too easy (all agree) %s · as too hard (none agree) %s",
                    Html.count(value.path("questions").asLong()), Html.count(value.path("answers_per_question").asLong()),
                    Html.count(value.path("kept").asLong()), Html.count(value.path("dropped_all_agree").asLong()),
                    Html.count(value.path("dropped_none_agree").asLong()))).raw("</p>");
            List<String> labels = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (JsonNode bin : value.path("histogram")) {
                labels.add(bin.path("agreeing").asText());
                counts.add(bin.path("questions").asLong());
            }
            html.raw("<div class=\"caption\">questions by number of answers agreeing with the plurality answer</div>")
                    .raw(Svg.histogram(labels, counts.stream().mapToLong(Long::longValue).toArray(), "questions"));
        }
    }

    /**
     * {@code revision.scores}: {@code {samples, rounds: [{round, mean_before, mean_after}], changes: [{delta,
     * samples}]}}: rubric scores before and after each self-revision round, and the final − first score changes.
     */
    static final class Revision implements SectionRenderer {
        @Override
        public String name() {
            return "revision.scores";
        }

        @Override
        public String title() {
            return "Self-revision: score changes";
        }

        @Override
        public String writer() {
            return "self-revision (synthetic data issue)";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode value = section.value();
            html.raw("<p class=\"kv\">").text(Html.count(value.path("samples").asLong()) + " revised samples")
                    .raw("</p>");
            List<String> labels = new ArrayList<>();
            List<Double> before = new ArrayList<>();
            List<Double> after = new ArrayList<>();
            for (JsonNode round : value.path("rounds")) {
                labels.add("round " + round.path("round").asInt());
                before.add(round.path("mean_before").asDouble());
                after.add(round.path("mean_after").asDouble());
            }
            if (!labels.isEmpty()) {
                html.raw(Svg.bars(labels, List.of(
                        new Svg.Series("mean score of the draft", Svg.color(8),
                                before.stream().mapToDouble(Double::doubleValue).toArray()),
                        new Svg.Series("mean score after revision", Svg.color(2),
                                after.stream().mapToDouble(Double::doubleValue).toArray())), v -> Html.decimal(v, 2)));
            }
            List<String> deltas = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (JsonNode bin : value.path("changes")) {
                deltas.add(bin.path("delta").asText());
                counts.add(bin.path("samples").asLong());
            }
            if (!deltas.isEmpty()) {
                html.raw("<div class=\"caption\">samples by score change (final − first draft)</div>")
                        .raw(Svg.histogram(deltas, counts.stream().mapToLong(Long::longValue).toArray(), "samples"));
            }
        }
    }

    /**
     * {@code teacher.usage}: {@code {models: [{model, calls, cached_calls, failed_calls, prompt_tokens,
     * completion_tokens, cost_usd}]}}.
     */
    static final class TeacherUsage implements SectionRenderer {
        @Override
        public String name() {
            return "teacher.usage";
        }

        @Override
        public String title() {
            return "Teacher calls, tokens and cost";
        }

        @Override
        public String writer() {
            return "synthetic generation (teacher client)";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            List<String[]> rows = new ArrayList<>();
            long calls = 0;
            double cost = 0;
            for (JsonNode model : section.value().path("models")) {
                calls += model.path("calls").asLong();
                cost += model.path("cost_usd").asDouble();
                rows.add(new String[] {Html.escape(model.path("model").asText()),
                        Html.count(model.path("calls").asLong()), Html.count(model.path("cached_calls").asLong()),
                        Html.count(model.path("failed_calls").asLong()), Html.count(model.path("prompt_tokens").asLong()),
                        Html.count(model.path("completion_tokens").asLong()),
                        String.format(Locale.ROOT, "$%,.2f", model.path("cost_usd").asDouble())});
            }
            html.raw("<p class=\"kv\">").text(String.format(Locale.ROOT, "%s calls, $%,.2f in total",
                    Html.count(calls), cost)).raw("</p>");
            html.table(new String[] {"model", "calls#", "cached#", "failed#", "prompt tokens#", "completion tokens#",
                    "cost#"}, rows);
        }
    }
}
