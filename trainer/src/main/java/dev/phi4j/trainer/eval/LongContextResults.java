package dev.phi4j.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One model's long-context evaluation: passkey cells (length × depth) and perplexity buckets (length × positions),
 * either possibly empty, with the summaries a before/after comparison reads.
 */
public record LongContextResults(List<Passkey.Result> passkey, List<PositionPerplexity.Bucket> positions) {

    public LongContextResults {
        passkey = List.copyOf(passkey);
        positions = List.copyOf(positions);
    }

    /** Exact answers over every depth at {@code length}, or NaN when passkey was not measured there. */
    public double passkeyAccuracy(int length) {
        int trials = 0, correct = 0;
        for (Passkey.Result cell : passkey) {
            if (cell.length() == length) {
                trials += cell.trials();
                correct += cell.correct();
            }
        }
        return trials == 0 ? Double.NaN : (double) correct / trials;
    }

    /** Perplexity of the last position bucket of windows of {@code length} (where extension shows), or NaN. */
    public double lastBucketPerplexity(int length) {
        return perplexity(bucket -> bucket.length() == length && bucket.to() == length);
    }

    /** Perplexity over every position of windows of {@code length}, or NaN. */
    public double perplexity(int length) {
        return perplexity(bucket -> bucket.length() == length);
    }

    private double perplexity(Predicate<PositionPerplexity.Bucket> which) {
        double nll = 0;
        long predictions = 0;
        for (PositionPerplexity.Bucket bucket : positions) {
            if (which.test(bucket)) {
                nll += bucket.meanNll() * bucket.predictions();
                predictions += bucket.predictions();
            }
        }
        return predictions == 0 ? Double.NaN : Math.exp(nll / predictions);
    }

    /**
     * A Markdown table of {@code before} and {@code after} at each length: passkey accuracy, perplexity of the last
     * position bucket and over all positions, with after/before ratios for perplexity. A cell not measured reads "–".
     */
    public static String beforeAfterTable(LongContextResults before, LongContextResults after, List<Integer> lengths) {
        List<String> rows = new ArrayList<>();
        rows.add("| length | passkey before | passkey after | last-bucket ppl before | after | ratio "
                + "| all-positions ppl before | after | ratio |");
        rows.add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int length : lengths) {
            double lastBefore = before.lastBucketPerplexity(length), lastAfter = after.lastBucketPerplexity(length);
            double allBefore = before.perplexity(length), allAfter = after.perplexity(length);
            rows.add(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |", length,
                    percent(before.passkeyAccuracy(length)), percent(after.passkeyAccuracy(length)),
                    number(lastBefore), number(lastAfter), ratio(lastAfter, lastBefore),
                    number(allBefore), number(allAfter), ratio(allAfter, allBefore)));
        }
        return String.join("\n", rows) + "\n";
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(double after, double before) {
        return Double.isNaN(after) || Double.isNaN(before) ? "–" : String.format(Locale.ROOT, "%.2f×", after / before);
    }
}
