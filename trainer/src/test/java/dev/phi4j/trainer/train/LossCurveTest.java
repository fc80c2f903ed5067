package dev.phi4j.trainer.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossCurveTest {

    @Test
    void curvesStayInsideThePlotWithOneMarkerPerEvaluation() {
        List<MetricsLog.Point> train = new ArrayList<>();
        for (int step = 1; step <= 120; step++) {
            train.add(new MetricsLog.Point(step, 7 * Math.exp(-step / 40.0) + 0.3 * Math.sin(step)));
        }
        List<MetricsLog.Point> validation = List.of(new MetricsLog.Point(40, 3.1), new MetricsLog.Point(80, 2.2),
                new MetricsLog.Point(120, 1.9));
        String svg = LossCurve.render("run <a & b>", train, validation);

        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assertTrue(svg.contains("run &lt;a &amp; b&gt;"), "the title is escaped");
        assertEquals(3, count(svg, "<circle"));
        assertEquals(3, count(svg, "<polyline"), "raw and smoothed training loss, validation loss");
        assertTrue(svg.contains("train (mean of 5 steps; raw in light blue)"));
        Matcher points = Pattern.compile("(\\d+\\.\\d),(\\d+\\.\\d)").matcher(svg);
        int seen = 0;
        while (points.find()) {
            double x = Double.parseDouble(points.group(1));
            double y = Double.parseDouble(points.group(2));
            assertTrue(x >= 64 && x <= 760 - 24 && y >= 44 && y <= 420 - 52, "point " + x + "," + y);
            seen++;
        }
        assertEquals(120 + 120 + 3, seen);
    }

    @Test
    void movingAverageIsCentredAndAxesTickAtRoundNumbers() {
        List<MetricsLog.Point> points = List.of(new MetricsLog.Point(1, 1), new MetricsLog.Point(2, 2),
                new MetricsLog.Point(3, 3), new MetricsLog.Point(4, 10));
        assertEquals(List.of(1.5, 2.0, 5.0, 6.5),
                LossCurve.movingAverage(points, 1).stream().map(MetricsLog.Point::value).toList());
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0), LossCurve.Axis.of(1, 120).ticks());
        assertEquals(List.of(1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0), LossCurve.Axis.of(1.6, 2.9).ticks());
        assertEquals(List.of(0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0), LossCurve.Axis.of(0.1, 29.5).ticks());
        assertEquals("1,000", LossCurve.Axis.label(1000));
        assertEquals("2.50", LossCurve.Axis.label(2.5));
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
