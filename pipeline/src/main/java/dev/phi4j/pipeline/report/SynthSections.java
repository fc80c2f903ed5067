package dev.phi4j.pipeline.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.report.Html;
import dev.phi4j.core.report.Svg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renderers of the synthetic-data stages' sections (shapes in pipeline/README.md): plurality agreement, self-revision
 * score changes, teacher usage and the outcomes of running generated code.
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
     * completion_tokens, cost_usd}], seconds, requests, requests_per_second, completion_tokens_per_second,
     * cache_hit_rate}}; the stage-wide keys, when written, make a line above the table.
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
            JsonNode value = section.value();
            List<String> rates = new ArrayList<>();
            if (value.has("requests")) {
                rates.add(Html.count(value.path("requests").asLong()) + " requests to endpoints"
                        + (value.has("seconds") ? " in " + Html.decimal(value.path("seconds").asDouble(), 1) + " s" : ""));
            } else if (value.has("seconds")) {
                rates.add(Html.decimal(value.path("seconds").asDouble(), 1) + " s");
            }
            if (value.has("requests_per_second")) {
                rates.add(Html.decimal(value.path("requests_per_second").asDouble(), 2) + " requests/s");
            }
            if (value.has("completion_tokens_per_second")) {
                rates.add(Html.decimal(value.path("completion_tokens_per_second").asDouble(), 1)
                        + " completion tokens/s");
            }
            if (value.has("cache_hit_rate")) {
                rates.add("cache hit rate " + Html.percent(value.path("cache_hit_rate").asDouble()));
            }
            if (!rates.isEmpty()) {
                html.raw("<p class=\"kv\">").text(String.join(" · ", rates)).raw("</p>");
            }
            html.table(new String[] {"model", "calls#", "cached#", "failed#", "prompt tokens#", "completion tokens#",
                    "cost#"}, rows);
        }
    }

    /**
     * {@code execute.outcomes}: {@code {samples: {outcome: n}, sandbox_seconds, sandbox_runs}}: how the generated code
     * of each sample ended in the sandbox ({@code passed}, {@code test_failed}, {@code timeout}, …; {@code not_code}
     * for samples not run), and the sandbox's time.
     */
    static final class ExecuteOutcomes implements SectionRenderer {
        @Override
        public String name() {
            return "execute.outcomes";
        }

        @Override
        public String title() {
            return "Code execution: outcomes in the sandbox";
        }

        @Override
        public String writer() {
            return "execute";
        }

        @Override
        public void render(Html html, RunReport.Section section, ReportContext context) {
            JsonNode value = section.value();
            long runs = value.path("sandbox_runs").asLong();
            double seconds = value.path("sandbox_seconds").asDouble();
            html.raw("<p class=\"kv\">").text(String.format(Locale.ROOT, "%s sandbox runs, %s s in the sandbox%s",
                    Html.count(runs), Html.decimal(seconds, 1), runs == 0 ? ""
                            : " (" + Html.decimal(seconds / runs, 2) + " s per run)")).raw("</p>");
            List<Map.Entry<String, JsonNode>> outcomes = new ArrayList<>();
            value.path("samples").fields().forEachRemaining(outcomes::add);
            outcomes.sort(Comparator.comparingLong((Map.Entry<String, JsonNode> e) -> e.getValue().asLong())
                    .reversed().thenComparing(Map.Entry::getKey));
            long samples = outcomes.stream().mapToLong(e -> e.getValue().asLong()).sum();
            List<String[]> rows = new ArrayList<>();
            for (Map.Entry<String, JsonNode> outcome : outcomes) {
                rows.add(new String[] {Html.escape(outcome.getKey()), Html.count(outcome.getValue().asLong()),
                        Html.percent(samples == 0 ? 0 : (double) outcome.getValue().asLong() / samples)});
            }
            html.table(new String[] {"outcome", "samples#", "share#"}, rows);
        }
    }
}
