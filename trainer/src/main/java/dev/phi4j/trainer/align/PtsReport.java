package dev.phi4j.trainer.align;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/** report.html of a {@code phi4j pts} run: the accounting, then every pivotal token in its context. */
final class PtsReport {

    private PtsReport() {}

    static String html(PtsConfig config, List<ObjectNode> lines, PtsJob.Summary summary) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Pivotal Token Search: ")
                .append(escape(config.output().toString())).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;")
                .append("vertical-align:top;text-align:left}.ctx{font-family:monospace;white-space:pre-wrap}")
                .append(".up{background:#c8f7c5}.down{background:#f7c5c5}.other{color:#555}")
                .append("</style></head><body>\n<h1>Pivotal Token Search</h1>\n<p>Model <code>")
                .append(escape(config.checkpoint().toString())).append("</code>, questions <code>")
                .append(escape(config.questions().toString())).append(String.format(Locale.ROOT,
                        "</code>; %d rollouts per estimate, p_gap %.2f, kept when %.2f ≤ p(success) ≤ %.2f.</p>\n",
                        config.rollouts(), config.pGap(), config.minSuccess(), config.maxSuccess()));
        html.append("<table><tr><th>questions</th>");
        summary.byStatus().keySet().forEach(status -> html.append("<th>")
                .append(status.name().toLowerCase(Locale.ROOT)).append("</th>"));
        html.append("<th>pivotal tokens</th><th>pairs</th></tr><tr><td>").append(summary.questions()).append("</td>");
        summary.byStatus().values().forEach(count -> html.append("<td>").append(count).append("</td>"));
        html.append("<td>").append(summary.pivotalTokens()).append("</td><td>").append(summary.pairs())
                .append("</td></tr></table>\n<h2>Pivotal tokens in context</h2>\n<table><tr><th>question</th>")
                .append("<th>solution prefix, <span class=\"up\">token that raises p</span> / <span class=\"down\">")
                .append("lowers p</span></th><th>p before → after</th><th>counterpart (p)</th><th>outcome</th></tr>\n");
        for (ObjectNode line : lines) {
            for (JsonNode pivot : line.path("pivotal_tokens")) {
                double before = pivot.get("p_before").asDouble(), after = pivot.get("p_after").asDouble();
                html.append("<tr><td>").append(escape(line.get("question").asText())).append("</td><td class=\"ctx\">")
                        .append(escape(pivot.get("prefix").asText())).append("<span class=\"")
                        .append(after > before ? "up" : "down").append("\">").append(escape(pivot.get("token").asText()))
                        .append("</span></td><td>").append(String.format(Locale.ROOT, "%.2f → %.2f", before, after))
                        .append("</td><td class=\"ctx\">");
                if (pivot.has("counterpart")) {
                    html.append(escape(pivot.get("counterpart").asText())).append(String.format(Locale.ROOT,
                            " <span class=\"other\">(%.2f)</span>", pivot.get("p_counterpart").asDouble()));
                }
                html.append("</td><td>").append(escape(pivot.get("outcome").asText())).append("</td></tr>\n");
            }
        }
        return html.append("</table>\n</body></html>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
