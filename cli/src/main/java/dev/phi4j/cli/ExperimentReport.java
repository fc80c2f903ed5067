package dev.phi4j.cli;

import dev.phi4j.core.report.Html;
import dev.phi4j.core.report.Svg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The comparison an experiment ends with: per variant and metric the spread over seeds ({@link ExperimentStats}), as
 * a Markdown table (results.md, also printed) and a standalone SVG (results.svg): one panel per metric, a row per
 * variant with a dot per seed, the mean as a tick and mean ± std as a bar.
 */
public final class ExperimentReport {

    /** One variant's scores: per seed, metric → value. */
    public record VariantScores(String name, String description, String mixture, Map<Long, Map<String, Double>> bySeed) {

        public ExperimentStats stats(String metric) {
            List<Double> values = new ArrayList<>();
            bySeed.values().forEach(m -> values.add(m.getOrDefault(metric, Double.NaN)));
            return ExperimentStats.of(values);
        }
    }

    private ExperimentReport() {}

    /** The Markdown table: one row per variant, a column per metric, mean ± std and min–max over seeds. */
    public static String markdown(String title, List<String> metrics, List<VariantScores> variants, String notes) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        if (!notes.isBlank()) {
            md.append(notes.strip()).append("\n\n");
        }
        md.append("Held-out loss (nats per token, lower is better): mean ± std over seeds, then min–max. ")
                .append("**Bold**: the lowest mean of the column.\n\n");
        md.append("| variant | seeds |");
        metrics.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|---|");
        metrics.forEach(m -> md.append("---|"));
        md.append('\n');
        Map<String, Double> best = new LinkedHashMap<>();
        for (String metric : metrics) {
            best.put(metric, variants.stream().mapToDouble(v -> v.stats(metric).mean()).filter(x -> !Double.isNaN(x))
                    .min().orElse(Double.NaN));
        }
        for (VariantScores variant : variants) {
            md.append("| ").append(variant.name()).append(" | ").append(variant.bySeed().size()).append(" |");
            for (String metric : metrics) {
                ExperimentStats s = variant.stats(metric);
                boolean bold = s.n() > 0 && s.mean() == best.get(metric) && variants.size() > 1;
                md.append(' ').append(bold ? "**" + s.meanStd() + "**" : s.meanStd()).append("<br>")
                        .append(s.range()).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (VariantScores variant : variants) {
            md.append("- **").append(variant.name()).append("**: ").append(variant.mixture());
            if (!variant.description().isBlank()) {
                md.append(". ").append(variant.description());
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The console table: the same numbers, aligned in columns. */
    public static String text(List<String> metrics, List<VariantScores> variants) {
        int nameWidth = Math.max(7, variants.stream().mapToInt(v -> v.name().length()).max().orElse(7));
        int cell = 31;
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-" + nameWidth + "s  seeds", "variant"));
        metrics.forEach(m -> out.append(String.format(Locale.ROOT, "  %-" + cell + "s", m + " mean ± std (min–max)")));
        out.append('\n');
        for (VariantScores variant : variants) {
            out.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %5d", variant.name(), variant.bySeed().size()));
            for (String metric : metrics) {
                ExperimentStats s = variant.stats(metric);
                out.append(String.format(Locale.ROOT, "  %-" + cell + "s", s.n() == 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.3f ± %.3f (%.3f–%.3f)", s.mean(), s.std(), s.min(), s.max())));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A standalone SVG: a panel per metric, a row per variant: seed dots, the mean tick and a mean ± std bar. */
    public static String svg(String title, List<String> metrics, List<VariantScores> variants) {
        int labelWidth = 150;
        int panelWidth = 260;
        int gap = 44;
        int rowHeight = 26;
        int top = 46;
        int plotHeight = variants.size() * rowHeight;
        int width = labelWidth + metrics.size() * (panelWidth + gap) + 10;
        int height = top + plotHeight + 40;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" "
                        + "fill=\"white\"/>\n<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>\n",
                width, height, width, height, Html.escape(title)));
        for (int row = 0; row < variants.size(); row++) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 8, top + row * rowHeight + rowHeight / 2 + 4, Html.escape(variants.get(row).name())));
        }
        for (int p = 0; p < metrics.size(); p++) {
            String metric = metrics.get(p);
            int x0 = labelWidth + p * (panelWidth + gap);
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (VariantScores v : variants) {
                for (Map<String, Double> scores : v.bySeed().values()) {
                    double value = scores.getOrDefault(metric, Double.NaN);
                    if (!Double.isNaN(value)) {
                        lo = Math.min(lo, value);
                        hi = Math.max(hi, value);
                    }
                }
                ExperimentStats s = v.stats(metric);
                if (s.n() > 0) {
                    lo = Math.min(lo, s.mean() - s.std());
                    hi = Math.max(hi, s.mean() + s.std());
                }
            }
            if (Double.isInfinite(lo)) {
                lo = 0;
                hi = 1;
            }
            double pad = Math.max((hi - lo) * 0.08, 1e-3);
            double min = lo - pad;
            double max = hi + pad;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                    + "font-weight=\"bold\">%s</text>\n", x0 + panelWidth / 2, top - 10, Html.escape(metric)));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                    + "stroke=\"#ccc\"/>\n", x0, top, panelWidth, plotHeight));
            for (int tick = 0; tick <= 4; tick++) {
                double value = min + (max - min) * tick / 4;
                double x = x0 + panelWidth * tick / 4.0;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                        + "stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.2f</text>\n",
                        x, top, x, top + plotHeight, x, top + plotHeight + 14, value));
            }
            for (int row = 0; row < variants.size(); row++) {
                VariantScores v = variants.get(row);
                String color = Svg.color(row);
                double y = top + row * rowHeight + rowHeight / 2.0;
                ExperimentStats s = v.stats(metric);
                if (s.n() > 0) {
                    double a = x(s.mean() - s.std(), min, max, x0, panelWidth);
                    double b = x(s.mean() + s.std(), min, max, x0, panelWidth);
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"8\" "
                                    + "fill=\"%s\" fill-opacity=\"0.3\"><title>%s %s: %s (%s)</title></rect>\n", a,
                            y - 4, Math.max(b - a, 1), color, Html.escape(v.name()), Html.escape(metric),
                            s.meanStd(), s.range()));
                    double m = x(s.mean(), min, max, x0, panelWidth);
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            + "stroke=\"%s\" stroke-width=\"2\"/>\n", m, y - 8, m, y + 8, color));
                }
                for (Map.Entry<Long, Map<String, Double>> seed : v.bySeed().entrySet()) {
                    double value = seed.getValue().getOrDefault(metric, Double.NaN);
                    if (!Double.isNaN(value)) {
                        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"white\" "
                                        + "stroke=\"%s\"><title>%s seed %d: %.4f</title></circle>\n",
                                x(value, min, max, x0, panelWidth), y, color, Html.escape(v.name()), seed.getKey(),
                                value));
                    }
                }
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\" fill=\"#555\">held-out loss, nats per token "
                + "(lower is better); dots: seeds, tick: mean, bar: mean ± std</text>\n</svg>\n", height - 8));
        return svg.toString();
    }

    private static double x(double value, double min, double max, int x0, int width) {
        return x0 + width * (value - min) / (max - min);
    }
}
