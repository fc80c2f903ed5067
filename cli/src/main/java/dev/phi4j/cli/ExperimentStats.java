package dev.phi4j.cli;

import java.util.List;
import java.util.Locale;

/**
 * The spread of one metric over a variant's seeds: mean, sample standard deviation (n − 1 in the denominator; 0 for
 * one value), min and max. NaN values (a run that could not be scored) are left out and counted.
 */
public record ExperimentStats(int n, double mean, double std, double min, double max, int missing) {

    public static ExperimentStats of(List<Double> values) {
        int n = 0;
        int missing = 0;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isNaN(v)) {
                missing++;
                continue;
            }
            n++;
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (n == 0) {
            return new ExperimentStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, missing);
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        double std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        return new ExperimentStats(n, mean, std, min, max, missing);
    }

    /** "3.2101 ± 0.0123" */
    public String meanStd() {
        return n == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }

    /** "3.1990–3.2240" */
    public String range() {
        return n == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f–%.4f", min, max);
    }
}
