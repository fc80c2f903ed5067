package dev.phi4j.trainer.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The table that follows a model through its phases (pretrain → midtrain → SFT → DPO): one column per model in the
 * order given, one row per task metric, and a row per metric on clean items where a pipeline run gave statuses.
 */
public final class Comparison {

    /** One model's results, under the label its column gets. */
    public record Column(String label, List<TaskResult> results) {}

    private Comparison() {}

    /** A Markdown table; a metric a model was not scored on shows as a dash. */
    public static String table(List<Column> columns) {
        Set<String> rows = new LinkedHashSet<>();
        for (Column column : columns) {
            for (TaskResult result : column.results()) {
                result.metrics().keySet().forEach(metric -> rows.add(result.task() + "\u0000" + metric));
                result.cleanMetrics().keySet().forEach(metric -> rows.add(result.task() + "\u0000" + metric
                        + "\u0000clean"));
            }
        }
        StringBuilder table = new StringBuilder("| task | metric |");
        columns.forEach(column -> table.append(' ').append(column.label()).append(" |"));
        table.append("\n|---|---|").append("---:|".repeat(columns.size())).append('\n');
        for (String row : rows) {
            String[] key = row.split("\u0000");
            boolean clean = key.length == 3;
            table.append("| ").append(key[0]).append(" | ").append(key[1]).append(clean ? " (clean)" : "").append(" |");
            for (Column column : columns) {
                Optional<TaskResult> result = column.results().stream().filter(r -> r.task().equals(key[0]))
                        .findFirst();
                Double value = result.map(r -> (clean ? r.cleanMetrics() : r.metrics()).get(key[1])).orElse(null);
                table.append(' ').append(value == null ? "–" : format(value)).append(" |");
            }
            table.append('\n');
        }
        table.append(itemsRow(columns));
        return table.toString();
    }

    /** Items per status under the table, where statuses were given, so a reader sees what "clean" covers. */
    private static String itemsRow(List<Column> columns) {
        List<String> notes = new ArrayList<>();
        for (Column column : columns) {
            for (TaskResult result : column.results()) {
                if (!result.contamination().isEmpty()) {
                    String note = result.task() + ": " + counts(result.contamination());
                    if (!notes.contains(note)) {
                        notes.add(note);
                    }
                }
            }
        }
        return notes.isEmpty() ? "" : "\nItems by decontamination status: " + String.join("; ", notes) + "\n";
    }

    private static String counts(Map<String, Integer> contamination) {
        StringBuilder out = new StringBuilder();
        contamination.forEach((status, count) -> out.append(out.isEmpty() ? "" : ", ").append(count).append(' ')
                .append(status));
        return out.toString();
    }

    private static String format(double value) {
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }
}
