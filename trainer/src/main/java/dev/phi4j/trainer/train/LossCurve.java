package dev.phi4j.trainer.train;

import dev.phi4j.core.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loss curves as a standalone SVG: training loss per step (raw, and smoothed once there are enough steps) and
 * validation loss at each evaluation, on "nice" axis ticks. Written by hand: a few lines of markup need no plotting
 * library. The run report draws each phase's curves with it too.
 */
public final class LossCurve {

    public static final String FILE = "loss-curve.svg";

    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LEFT = 64;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int BOTTOM = 52;
    /** Points per side of the centred moving average: one per 50 steps plotted, so short runs stay raw. */
    private static final int POINTS_PER_HALF_WINDOW = 50;

    private LossCurve() {}

    static void write(Path file, String title, List<MetricsLog.Point> train, List<MetricsLog.Point> validation)
            throws IOException {
        AtomicFiles.writeString(file, render(title, train, validation));
    }

    public static String render(String title, List<MetricsLog.Point> train, List<MetricsLog.Point> validation) {
        List<MetricsLog.Point> all = new ArrayList<>(train);
        all.addAll(validation);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT,
                escape(title)));
        if (all.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no steps yet</text>%n", LEFT, HEIGHT / 2));
            return svg.append("</svg>\n").toString();
        }
        double minX = all.stream().mapToDouble(MetricsLog.Point::step).min().orElseThrow();
        double maxX = all.stream().mapToDouble(MetricsLog.Point::step).max().orElseThrow();
        double minY = all.stream().mapToDouble(MetricsLog.Point::value).filter(Double::isFinite).min().orElse(0);
        double maxY = all.stream().mapToDouble(MetricsLog.Point::value).filter(Double::isFinite).max().orElse(1);
        if (maxX == minX) {
            maxX = minX + 1;
        }
        double padY = Math.max((maxY - minY) * 0.05, 1e-3);
        Axis x = Axis.of(minX, maxX);
        Axis y = Axis.of(Math.max(0, minY - padY), maxY + padY);

        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, TOP, plotWidth, plotHeight));
        for (double tick : x.ticks()) {
            double px = LEFT + x.fraction(tick) * plotWidth;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP, px, TOP + plotHeight,
                    px, TOP + plotHeight + 16, Axis.label(tick)));
        }
        for (double tick : y.ticks()) {
            double py = TOP + (1 - y.fraction(tick)) * plotHeight;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, LEFT + plotWidth, py,
                    LEFT - 6, py + 4, Axis.label(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n",
                LEFT + plotWidth / 2, HEIGHT - 12));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(16 %d) rotate(-90)\" "
                + "text-anchor=\"middle\">loss (nats per token)</text>%n", TOP + plotHeight / 2));

        int halfWindow = train.size() / POINTS_PER_HALF_WINDOW;
        boolean smooth = halfWindow > 0;
        svg.append(polyline(train, x, y, smooth ? "#9ecae1" : "#1f77b4", smooth ? 1 : 1.6));
        if (smooth) {
            svg.append(polyline(movingAverage(train, halfWindow), x, y, "#1f77b4", 1.8));
        }
        svg.append(polyline(validation, x, y, "#ff7f0e", 1.8));
        for (MetricsLog.Point point : validation) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#ff7f0e\"/>%n",
                    LEFT + x.fraction(point.step()) * plotWidth, TOP + (1 - y.fraction(point.value())) * plotHeight));
        }
        String trainLabel = smooth ? "train (mean of " + (2 * halfWindow + 1) + " steps; raw in light blue)" : "train";
        int legendX = LEFT + plotWidth - 270;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"262\" height=\"%d\" fill=\"white\" "
                + "fill-opacity=\"0.85\"/>%n", legendX - 6, TOP + 4, validation.isEmpty() ? 22 : 40));
        svg.append(legend(legendX, TOP + 16, "#1f77b4", trainLabel));
        if (!validation.isEmpty()) {
            svg.append(legend(legendX, TOP + 34, "#ff7f0e", "validation"));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String polyline(List<MetricsLog.Point> points, Axis x, Axis y, String colour, double width) {
        if (points.isEmpty()) {
            return "";
        }
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        StringBuilder coordinates = new StringBuilder();
        for (MetricsLog.Point point : points) {
            if (Double.isFinite(point.value())) {
                coordinates.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + x.fraction(point.step()) * plotWidth,
                        TOP + (1 - y.fraction(point.value())) * plotHeight));
            }
        }
        return String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" points=\"%s\"/>%n",
                colour, width, coordinates.toString().trim());
    }

    private static String legend(int x, int y, String colour, String text) {
        return String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">%s</text>%n", x, y, x + 18, y, colour, x + 24, y + 4,
                escape(text));
    }

    /** Centred, so the smoothed curve does not lag the raw one; the window shrinks at the ends. */
    static List<MetricsLog.Point> movingAverage(List<MetricsLog.Point> points, int halfWindow) {
        List<MetricsLog.Point> smoothed = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            int from = Math.max(0, i - halfWindow);
            int to = Math.min(points.size() - 1, i + halfWindow);
            double sum = 0;
            for (int j = from; j <= to; j++) {
                sum += points.get(j).value();
            }
            smoothed.add(new MetricsLog.Point(points.get(i).step(), sum / (to - from + 1)));
        }
        return smoothed;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * A linear axis from {@code low} to {@code high} (multiples of the tick step) with ticks at k·step, the step 1, 2 or
     * 5 × 10^exponent; ticks are computed as integers over a power of ten so they print as round numbers.
     */
    record Axis(double low, double high, long firstTick, long lastTick, int multiplier, int exponent) {

        static Axis of(double low, double high) {
            double raw = (high - low) / 6;
            int exponent = (int) Math.floor(Math.log10(raw));
            double ratio = raw / Math.pow(10, exponent);
            int multiplier = ratio < 1.5 ? 1 : ratio < 3.5 ? 2 : ratio < 7.5 ? 5 : 10;
            double step = multiplier * Math.pow(10, exponent);
            long first = (long) Math.floor(low / step + 1e-9);
            long last = (long) Math.ceil(high / step - 1e-9);
            Axis axis = new Axis(0, 0, first, last, multiplier, exponent);
            return new Axis(axis.tick(first), axis.tick(last), first, last, multiplier, exponent);
        }

        private double tick(long k) {
            return exponent < 0 ? (double) (k * multiplier) / Math.pow(10, -exponent)
                    : (double) (k * multiplier) * Math.pow(10, exponent);
        }

        double fraction(double value) {
            return (value - low) / (high - low);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (long k = firstTick; k <= lastTick; k++) {
                ticks.add(tick(k));
            }
            return ticks;
        }

        static String label(double value) {
            if (value == Math.rint(value) && Math.abs(value) < 1e7) {
                return String.format(Locale.ROOT, "%,d", (long) value);
            }
            return String.format(Locale.ROOT, "%.3g", value);
        }
    }
}
