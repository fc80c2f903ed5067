package dev.phi4j.core.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A mixture set's {@code mixture.table} section (target vs realized share, tokens and epochs per bucket; its shape is
 * in pipeline/README.md) as a bar chart and a table. Here rather than in the pipeline because the dataset inspection
 * report and the training run report both show it, and the trainer does not depend on the pipeline.
 */
public final class MixtureTable {

    private MixtureTable() {}

    public static void render(Html html, JsonNode table) {
        html.raw("<p class=\"kv\">").text(String.format(Locale.ROOT, "%s · seq_len %s · budget %s tokens%s · "
                        + "written %s train tokens, %s validation tokens", table.path("kind").asText(),
                Html.count(table.path("seq_len").asLong()), Html.count(table.path("budget").asLong()),
                table.path("auto_budget").asBoolean() ? " (largest the epoch caps allow)" : "",
                Html.count(table.path("written_tokens").asLong()),
                Html.count(table.path("validation_tokens").asLong()))).raw("</p>");
        List<String> labels = new ArrayList<>();
        List<Double> target = new ArrayList<>();
        List<Double> realized = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        for (JsonNode bucket : table.path("buckets")) {
            double effective = bucket.path("effective_share").asDouble();
            double real = bucket.path("realized_share").asDouble();
            boolean shown = effective > 0 || bucket.path("target_share").asDouble() > 0;
            if (shown) {
                labels.add(bucket.path("name").asText());
                target.add(effective);
                realized.add(real);
            }
            double delta = 100 * (real - effective);
            rows.add(new String[] {Html.escape(bucket.path("name").asText()),
                    Html.percent(bucket.path("target_share").asDouble()), Html.percent(effective),
                    Html.percent(real), (Math.abs(delta) > 1 ? "<b class=\"bad\">" : "<span>")
                    + String.format(Locale.ROOT, "%+.2f", delta) + (Math.abs(delta) > 1 ? "</b>" : "</span>"),
                    Html.count(bucket.path("unique_tokens").asLong()), Html.count(bucket.path("documents").asLong()),
                    Html.count(bucket.path("written_tokens").asLong()),
                    Html.decimal(bucket.path("epochs").asDouble(), 2),
                    Html.decimal(bucket.path("realized_epochs").asDouble(), 2),
                    Html.decimal(bucket.path("max_epochs").asDouble(), 1)
                            + (bucket.path("capped").asBoolean() ? " <b class=\"bad\">capped</b>" : ""),
                    Html.count(bucket.path("validation_tokens").asLong())});
        }
        html.raw(Svg.bars(labels, List.of(
                new Svg.Series("target share (missing groups renormalised)", Svg.color(0),
                        target.stream().mapToDouble(Double::doubleValue).toArray()),
                new Svg.Series("realized share (tokens written)", Svg.color(1),
                        realized.stream().mapToDouble(Double::doubleValue).toArray())), Html::percent));
        html.table(new String[] {"bucket", "configured#", "target#", "realized#", "Δ points#", "unique tokens#",
                "documents#", "written tokens#", "epochs#", "realized epochs#", "max epochs#",
                "validation tokens#"}, rows);
    }
}
