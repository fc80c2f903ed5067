package dev.phi4j.pipeline.teacher;

import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one teacher cost: answers delivered ({@code calls}, of which {@code cachedCalls} came from the response cache),
 * requests that failed for good, and the tokens and dollars of the answers fetched from the endpoint in this run
 * (cached answers were paid for by an earlier one). Immutable; partial usages from tasks are {@link #merge}d on the
 * driver and written as the {@code teacher.usage} manifest section by {@link #section}.
 */
public record TeacherUsage(String teacher, long calls, long cachedCalls, long failedCalls, long promptTokens,
                           long completionTokens, double costUsd) implements Serializable {

    public static final String SECTION = "teacher.usage";

    public static TeacherUsage none(String teacher) {
        return new TeacherUsage(teacher, 0, 0, 0, 0, 0, 0);
    }

    /** One delivered answer; its tokens and cost only when it was fetched rather than cached. */
    public static TeacherUsage of(ChatResult result, TeacherConfig config) {
        if (result.cached()) {
            return new TeacherUsage(result.teacher(), 1, 1, 0, 0, 0, 0);
        }
        return new TeacherUsage(result.teacher(), 1, 0, 0, result.promptTokens(), result.completionTokens(),
                config.cost(result.promptTokens(), result.completionTokens()));
    }

    /** One request that failed after its retries ({@link TeacherException}). */
    public static TeacherUsage failure(String teacher) {
        return new TeacherUsage(teacher, 0, 0, 1, 0, 0, 0);
    }

    public TeacherUsage merge(TeacherUsage other) {
        if (!teacher.equals(other.teacher)) {
            throw new IllegalArgumentException("cannot merge usage of teacher '" + other.teacher + "' into '"
                    + teacher + "'");
        }
        return new TeacherUsage(teacher, calls + other.calls, cachedCalls + other.cachedCalls,
                failedCalls + other.failedCalls, promptTokens + other.promptTokens,
                completionTokens + other.completionTokens, costUsd + other.costUsd);
    }

    /** One usage per teacher, partial usages of the same teacher merged, in teacher-name order. */
    public static List<TeacherUsage> byTeacher(Collection<TeacherUsage> usages) {
        Map<String, TeacherUsage> merged = new TreeMap<>();
        for (TeacherUsage usage : usages) {
            merged.merge(usage.teacher(), usage, TeacherUsage::merge);
        }
        return List.copyOf(merged.values());
    }

    /**
     * The {@code teacher.usage} manifest section, {@code {models: [{model, calls, cached_calls, failed_calls,
     * prompt_tokens, completion_tokens, cost_usd}]}}, where {@code model} is the teacher's name in the config.
     */
    public static Map<String, Object> section(Collection<TeacherUsage> usages) {
        List<Map<String, Object>> models = byTeacher(usages).stream().map(usage -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", usage.teacher());
            row.put("calls", usage.calls());
            row.put("cached_calls", usage.cachedCalls());
            row.put("failed_calls", usage.failedCalls());
            row.put("prompt_tokens", usage.promptTokens());
            row.put("completion_tokens", usage.completionTokens());
            row.put("cost_usd", usage.costUsd());
            return row;
        }).toList();
        return Map.of("models", models);
    }
}
