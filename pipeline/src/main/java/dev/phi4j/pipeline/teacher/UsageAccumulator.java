package dev.phi4j.pipeline.teacher;

import dev.phi4j.pipeline.stage.StageContext;
import org.apache.spark.util.AccumulatorV2;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stage asked of its teachers in this run, summed over Spark tasks: calls, cache hits, failures, fetched
 * tokens and cost per teacher. It counts requests as made, including those of a task Spark ran again, because those
 * were paid for too; the rows themselves record only what the data is.
 */
public final class UsageAccumulator extends AccumulatorV2<TeacherUsage, List<TeacherUsage>> {

    private final Map<String, TeacherUsage> byTeacher = new TreeMap<>();

    /** A new accumulator for a stage's run, registered with Spark so tasks' counts reach the driver. */
    public static UsageAccumulator register(StageContext context) {
        UsageAccumulator usage = new UsageAccumulator();
        context.spark().sparkContext().register(usage, "teacher usage");
        return usage;
    }

    /**
     * Writes {@code teacher.usage}: per teacher as {@link TeacherUsage#section} (tokens and cost for fetched answers
     * only: a cached one was paid for by an earlier run), then the stage's requests to endpoints, requests and
     * completion tokens per second over its wall time {@code seconds}, and the share of answers found in the cache.
     */
    public void report(double seconds, StageContext context) {
        List<TeacherUsage> usages = value();
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

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    @Override
    public boolean isZero() {
        synchronized (byTeacher) {
            return byTeacher.isEmpty();
        }
    }

    @Override
    public UsageAccumulator copy() {
        UsageAccumulator copy = new UsageAccumulator();
        copy.merge(this);
        return copy;
    }

    @Override
    public void reset() {
        synchronized (byTeacher) {
            byTeacher.clear();
        }
    }

    @Override
    public void add(TeacherUsage usage) {
        synchronized (byTeacher) {
            byTeacher.merge(usage.teacher(), usage, TeacherUsage::merge);
        }
    }

    @Override
    public void merge(AccumulatorV2<TeacherUsage, List<TeacherUsage>> other) {
        other.value().forEach(this::add);
    }

    @Override
    public List<TeacherUsage> value() {
        synchronized (byTeacher) {
            return List.copyOf(byTeacher.values());
        }
    }
}
