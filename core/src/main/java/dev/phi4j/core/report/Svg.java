package dev.phi4j.core.report;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Inline SVG charts, written here so the reports need no script library and no network: horizontal grouped bars,
 * horizontal stacked bars and a small column histogram. Every mark carries a {@code <title>} (its tooltip).
 */
public final class Svg {

    /** Colour-blind-safe palette (Okabe–Ito, then greys). */
    public static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
            "#000000", "#999999", "#666666"};

    /** One series of a bar chart. */
    public record Series(String name, String color, double[] values) {}

    private Svg() {}

    public static String color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** Grouped horizontal bars: one row per label, one bar per series; {@code format} writes the value labels. */
    public static String bars(List<String> labels, List<Series> series, DoubleFunction<String> format) {
        int labelWidth = 150;
        int chartWidth = 460;
        int valueWidth = 90;
        int barHeight = 14;
        int groupGap = 10;
        int groupHeight = series.size() * barHeight + groupGap;
        int height = labels.size() * groupHeight + 34;
        double max = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                max = Math.max(max, v);
            }
        }
        max = max <= 0 ? 1 : max;
        StringBuilder svg = open(labelWidth + chartWidth + valueWidth, height);
        for (int tick = 0; tick <= 4; tick++) {
            double x = labelWidth + chartWidth * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\"/>",
                    x, x, height - 26));
            svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
                    + "</text>", x, height - 12, Html.escape(format.apply(max * tick / 4))));
        }
        for (int row = 0; row < labels.size(); row++) {
            int y0 = row * groupHeight + 4;
            svg.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
                    + "</text>", labelWidth - 8, y0 + series.size() * barHeight / 2 + 4,
                    Html.escape(labels.get(row))));
            for (int s = 0; s < series.size(); s++) {
                double value = series.get(s).values()[row];
                double w = chartWidth * Math.max(0, value) / max;
                int y = y0 + s * barHeight;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                                + "fill=\"%s\"><title>%s — %s: %s</title></rect>", labelWidth, y, Math.max(w, 0.5),
                        barHeight - 2, series.get(s).color(), Html.escape(labels.get(row)),
                        Html.escape(series.get(s).name()), Html.escape(format.apply(value))));
                svg.append(String.format(Locale.ROOT, "<text class=\"value\" x=\"%.1f\" y=\"%d\">%s</text>",
                        labelWidth + w + 4, y + barHeight - 4, Html.escape(format.apply(value))));
            }
        }
        return svg.append("</svg>").append(legend(series.stream().map(Series::name).toList(),
                series.stream().map(Series::color).toList())).toString();
    }

    /** Stacked horizontal bars: one row per label, segments in {@code segments} order; shows totals at the end. */
    public static String stacked(List<String> labels, List<String> segments, double[][] values, List<String> colors) {
        int labelWidth = 150;
        int chartWidth = 480;
        int valueWidth = 80;
        int rowHeight = 22;
        int height = labels.size() * rowHeight + 8;
        double max = 0;
        for (double[] row : values) {
            double sum = 0;
            for (double v : row) {
                sum += v;
            }
            max = Math.max(max, sum);
        }
        max = max <= 0 ? 1 : max;
        StringBuilder svg = open(labelWidth + chartWidth + valueWidth, height);
        for (int row = 0; row < labels.size(); row++) {
            int y = row * rowHeight + 4;
            svg.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s"
                    + "</text>", labelWidth - 8, y + 12, Html.escape(labels.get(row))));
            double x = labelWidth;
            double total = 0;
            for (int s = 0; s < segments.size(); s++) {
                double v = values[row][s];
                total += v;
                if (v <= 0) {
                    continue;
                }
                double w = chartWidth * v / max;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                                + "fill=\"%s\"><title>%s — %s: %s</title></rect>", x, y, Math.max(w, 0.5),
                        rowHeight - 6, colors.get(s), Html.escape(labels.get(row)), Html.escape(segments.get(s)),
                        Html.count((long) v)));
                x += w;
            }
            svg.append(String.format(Locale.ROOT, "<text class=\"value\" x=\"%.1f\" y=\"%d\">%s</text>", x + 4,
                    y + 12, Html.compact(total)));
        }
        return svg.append("</svg>").append(legend(segments, colors)).toString();
    }

    /** Columns over ordered bins, e.g. token-length powers of two; {@code labels[i]} names bin i. */
    public static String histogram(List<String> labels, long[] counts, String unit) {
        return histogram(labels, counts, unit, false);
    }

    /** With {@code log}, heights follow log(1 + count), so bins of a few next to one of thousands stay visible. */
    public static String histogram(List<String> labels, long[] counts, String unit, boolean log) {
        int width = 320;
        int height = 130;
        int left = 36;
        int bottom = 28;
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        StringBuilder svg = open(width, height);
        double barWidth = (width - left - 4) / (double) Math.max(1, counts.length);
        int plotHeight = height - bottom - 8;
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"12\" text-anchor=\"end\">%s</text>",
                left - 4, Html.compact(max)));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>",
                left - 4, height - bottom));
        svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left,
                height - bottom, width - 2, height - bottom));
        int every = counts.length <= 12 ? 1 : (int) Math.ceil(counts.length / 8.0);
        for (int i = 0; i < counts.length; i++) {
            double h = log ? plotHeight * Math.log1p(counts[i]) / Math.log1p(max)
                    : plotHeight * counts[i] / (double) max;
            double x = left + i * barWidth;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s: %s %s</title></rect>", x + 0.5, height - bottom - h,
                    Math.max(barWidth - 1, 0.5), Math.max(h, counts[i] > 0 ? 1 : 0), PALETTE[0],
                    Html.escape(labels.get(i)), Html.count(counts[i]), Html.escape(unit)));
            if (i % every == 0) {
                svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%.1f\" y=\"%d\" "
                        + "text-anchor=\"middle\">%s</text>", x + barWidth / 2, height - bottom + 13,
                        Html.escape(labels.get(i))));
            }
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(int width, int height) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
                + " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", width, height, width, height));
    }

    private static String legend(List<String> names, List<String> colors) {
        StringBuilder html = new StringBuilder("<div class=\"legend\">");
        for (int i = 0; i < names.size(); i++) {
            html.append("<span><i style=\"background:").append(colors.get(i)).append("\"></i>")
                    .append(Html.escape(names.get(i))).append("</span>");
        }
        return html.append("</div>").toString();
    }
}
