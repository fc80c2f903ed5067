package dev.phi4j.pipeline.synth;

import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.teacher.TeacherConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Manifest sections of the stages that call teachers, computed from the finished rows (kept and dropped), so they
 * count exactly what the output records, whatever tasks were retried: {@code teacher.usage} (calls, cache hits,
 * failures, tokens and cost per teacher, calls and tokens per second) and {@code revision.scores}.
 */
final class SynthSummaries {

    /** Per teacher: answered, cached and failed calls, tokens, cost. */
    record TeacherUsage(String model, long calls, long cachedCalls, long failedCalls, long promptTokens,
                        long completionTokens, double costUsd) {}

    /** The section's value: per teacher, then the stage's throughput over its wall time. */
    record Usage(List<TeacherUsage> models, double seconds, long requests, double requestsPerSecond,
                 double completionTokensPerSecond, double cacheHitRate) {}

    record RoundScores(int round, long samples, double meanBefore, double meanAfter) {}

    record ScoreChange(String delta, long samples) {}

    record RevisionScores(long samples, List<RoundScores> rounds, List<ScoreChange> changes) {}

    private SynthSummaries() {}

    /** Usage of the calls whose step starts with {@code stepPrefix} ("" for all): a stage counts only its own calls. */
    static void teacherUsage(Dataset<Row> output, List<TeacherConfig> teachers, String stepPrefix, double seconds,
                             StageContext context) {
        Map<String, TeacherConfig> byName = new TreeMap<>();
        teachers.forEach(teacher -> byName.put(teacher.name(), teacher));
        List<Row> rows = output.select(explode(col("calls")).as("call"))
                .filter(col("call.step").startsWith(stepPrefix))
                .groupBy(col("call.teacher").as("teacher"))
                .agg(count(when(col("call.finish_reason").startsWith("teacher_").equalTo(false), 1)).as("answered"),
                        count(when(col("call.cached"), 1)).as("cached"),
                        count(when(col("call.finish_reason").startsWith("teacher_"), 1)).as("failed"),
                        sum("call.prompt_tokens").as("prompt"), sum("call.completion_tokens").as("completion"))
                .orderBy("teacher").collectAsList();
        List<TeacherUsage> models = new ArrayList<>();
        long requests = 0;
        long cached = 0;
        long answered = 0;
        long completion = 0;
        for (Row row : rows) {
            String teacher = row.getString(0);
            long prompt = row.isNullAt(4) ? 0 : row.getLong(4);
            long completed = row.isNullAt(5) ? 0 : row.getLong(5);
            TeacherConfig config = byName.get(teacher);
            double cost = config == null ? 0 : config.cost(prompt, completed);
            models.add(new TeacherUsage(teacher, row.getLong(1), row.getLong(2), row.getLong(3), prompt, completed,
                    Math.round(cost * 1e6) / 1e6));
            answered += row.getLong(1);
            cached += row.getLong(2);
            requests += row.getLong(1) - row.getLong(2) + row.getLong(3);
            completion += completed;
        }
        context.report("teacher.usage", new Usage(models, round(seconds), requests,
                round(seconds > 0 ? requests / seconds : 0), round(seconds > 0 ? completion / seconds : 0),
                answered == 0 ? 0 : round((double) cached / answered)));
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
