package dev.phi4j.pipeline.synth;

import dev.phi4j.pipeline.stage.StageContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Manifest sections of the synthetic stages computed from the finished rows (kept and dropped), so they count exactly
 * what the output records, whatever tasks were retried: {@code revision.scores}. (What teachers were asked, retries
 * included, is {@link dev.phi4j.pipeline.teacher.UsageAccumulator}'s {@code teacher.usage}.)
 */
final class SynthSummaries {

    record RoundScores(int round, long samples, double meanBefore, double meanAfter) {}

    record ScoreChange(String delta, long samples) {}

    record RevisionScores(long samples, List<RoundScores> rounds, List<ScoreChange> changes) {}

    private SynthSummaries() {}

    static void revisionScores(Dataset<Row> output, StageContext context) {
        List<Row> rows = output.filter(col("drop_reason").isNull())
                .select(col("revisions.score").as("scores"), col("scores").getItem("rubric_first").as("first"),
                        col("scores").getItem("rubric_final").as("final")).collectAsList();
        Map<Integer, double[]> rounds = new TreeMap<>();
        Map<Long, Long> changes = new TreeMap<>();
        long samples = 0;
        for (Row row : rows) {
            if (row.isNullAt(1) || row.isNullAt(2)) {
                continue;
            }
            samples++;
            List<Double> before = row.getList(0);
            double last = row.getDouble(2);
            for (int r = 0; r < before.size(); r++) {
                double after = r + 1 < before.size() ? before.get(r + 1) : last;
                double[] sums = rounds.computeIfAbsent(r + 1, k -> new double[3]);
                sums[0] += before.get(r);
                sums[1] += after;
                sums[2]++;
            }
            long delta = Math.round(last - row.getDouble(1));
            changes.merge(delta, 1L, Long::sum);
        }
        List<RoundScores> roundScores = new ArrayList<>();
        rounds.forEach((round, sums) -> roundScores.add(new RoundScores(round, (long) sums[2],
                round(sums[0] / sums[2]), round(sums[1] / sums[2]))));
        List<ScoreChange> changeList = new ArrayList<>();
        changes.forEach((delta, count) -> changeList.add(new ScoreChange((delta > 0 ? "+" : "") + delta, count)));
        context.report("revision.scores", new RevisionScores(samples, roundScores, changeList));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
