package dev.phi4j.pipeline.synth;

import dev.phi4j.pipeline.teacher.TeacherUsage;
import org.apache.spark.util.AccumulatorV2;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stage asked of its teachers in this run, summed over Spark tasks: calls, cache hits, failures, fetched
 * tokens and cost per teacher. It counts requests as made, including those of a task Spark ran again, because those
 * were paid for too; the rows themselves record only what the data is.
 */
final class UsageAccumulator extends AccumulatorV2<TeacherUsage, List<TeacherUsage>> {

    private final Map<String, TeacherUsage> byTeacher = new TreeMap<>();

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
