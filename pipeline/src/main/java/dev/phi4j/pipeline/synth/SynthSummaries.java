package dev.phi4j.pipeline.synth;

import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.teacher.TeacherUsage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Manifest sections of the stages that call teachers, computed from the finished rows (kept and dropped), so they
 * count exactly what the output records, whatever tasks were retried: {@code teacher.usage} (calls, cache hits,
 * failures, tokens and cost per teacher, calls and tokens per second) and {@code revision.scores}.
 */
final class SynthSummaries {

    record RoundScores(int round, long samples, double meanBefore, double meanAfter) {}

    record ScoreChange(String delta, long samples) {}

    record RevisionScores(long samples, List<RoundScores> rounds, List<ScoreChange> changes) {}

    private SynthSummaries() {}

    /** A new usage accumulator for a stage's run, registered with Spark so tasks' counts reach the driver. */
    static UsageAccumulator register(StageContext context) {
        UsageAccumulator usage = new UsageAccumulator();
        context.spark().sparkContext().register(usage, "teacher usage");
        return usage;
    }

    /**
     * {@code teacher.usage}: per teacher as {@link TeacherUsage#section} (tokens and cost for fetched answers only: a
     * cached one was paid for by an earlier run), then the stage's requests to endpoints, requests and completion
     * tokens per second over its wall time, and the share of answers found in the cache.
     */
    static void teacherUsage(List<TeacherUsage> usages, double seconds, StageContext context) {
        long requests = usages.stream().mapToLong(u -> u.calls() - u.cachedCalls() + u.failedCalls()).sum();
        long answered = usages.stream().mapToLong(TeacherUsage::calls).sum();
        long cached = usages.stream().mapToLong(TeacherUsage::cachedCalls).sum();
        long completion = usages.stream().mapToLong(TeacherUsage::completionTokens).sum();
        Map<String, Object> section = new LinkedHashMap<>(TeacherUsage.section(usages));
        section.put("seconds", round(seconds));
        section.put("requests", requests);
        section.put("requests_per_second", round(seconds > 0 ? requests / seconds : 0));
        section.put("completion_tokens_per_second", round(seconds > 0 ? completion / seconds : 0));
        section.put("cache_hit_rate", answered == 0 ? 0 : round((double) cached / answered));
        context.report(TeacherUsage.SECTION, section);
    }

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
