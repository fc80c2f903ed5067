package dev.phi4j.trainer.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task's outcome on one model, as written to {@code TASK.json}: its metrics, the same metrics on the items
 * decontamination found clean (when a pipeline run was given), how many items of each status, the settings it ran
 * with, and a record per item (what was asked, what came back, what was read from it, its scores).
 *
 * @param cleanMetrics empty without contamination statuses
 * @param contamination items per status label, empty without statuses
 */
public record TaskResult(String task, String model, Map<String, Double> metrics, Map<String, Double> cleanMetrics,
                         Map<String, Integer> contamination, int items, double seconds, Map<String, Object> settings,
                         List<Map<String, Object>> records) {

    /**
     * One item's scores (each a number in [0, 1] whose mean over items is the task's metric of that name) and its
     * record, with its status if a pipeline run was given.
     */
    public record ScoredItem(Map<String, Double> scores, Map<String, Object> record,
                             Optional<Contamination.Status> status) {}

    public double itemsPerSecond() {
        return items / seconds;
    }

    /** A task scored per item: every metric is the mean of the items' scores of that name, overall and on clean items. */
    public static TaskResult ofItems(String task, String model, List<ScoredItem> items, double seconds,
                                     Map<String, Object> settings) {
        boolean withStatus = !items.isEmpty() && items.stream().allMatch(item -> item.status().isPresent());
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (withStatus) {
            for (Contamination.Status status : Contamination.Status.values()) {
                counts.put(status.label(), (int) items.stream().filter(i -> i.status().get() == status).count());
            }
        }
        List<ScoredItem> clean = items.stream()
                .filter(item -> item.status().orElse(null) == Contamination.Status.CLEAN).toList();
        List<Map<String, Object>> records = new ArrayList<>(items.size());
        for (ScoredItem item : items) {
            Map<String, Object> record = new LinkedHashMap<>(item.record());
            item.status().ifPresent(status -> record.put("contamination", status.label()));
            record.put("scores", item.scores());
            records.add(record);
        }
        return new TaskResult(task, model, means(items), withStatus ? means(clean) : Map.of(), counts, items.size(),
                seconds, settings, records);
    }

    private static Map<String, Double> means(List<ScoredItem> items) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (ScoredItem item : items) {
            item.scores().forEach((name, score) -> sums.merge(name, score, Double::sum));
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((name, sum) -> means.put(name, sum / items.size()));
        return means;
    }

    /** The JSON of {@code TASK.json}. */
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task", task);
        json.put("model", model);
        json.put("metrics", metrics);
        if (!contamination.isEmpty()) {
            json.put("clean_metrics", cleanMetrics);
            json.put("contamination", contamination);
        }
        json.put("items", items);
        json.put("seconds", seconds);
        json.put("items_per_s", itemsPerSecond());
        json.put("settings", settings);
        json.put("records", records);
        return json;
    }
}
