package dev.phi4j.trainer.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics as means of per-item scores, overall and on clean items, and the table across checkpoints. */
class TaskResultTest {

    private static TaskResult.ScoredItem item(double score, Contamination.Status status) {
        return new TaskResult.ScoredItem(Map.of("acc", score), Map.of("prompt", "q"), Optional.ofNullable(status));
    }

    @Test
    void cleanMetricsLeaveOutContaminatedAndPartialItems() {
        TaskResult result = TaskResult.ofItems("mc", "m", List.of(item(1, Contamination.Status.CONTAMINATED),
                item(1, Contamination.Status.PARTIAL), item(0, Contamination.Status.CLEAN),
                item(1, Contamination.Status.CLEAN)), 2.0, Map.of());

        assertEquals(0.75, result.metrics().get("acc"), 1e-12);
        assertEquals(0.5, result.cleanMetrics().get("acc"), 1e-12, "contamination flattered this model");
        assertEquals(Map.of("clean", 2, "partial", 1, "contaminated", 1), result.contamination());
        assertEquals(2.0, result.itemsPerSecond(), 1e-12);
        assertEquals("contaminated", result.records().get(0).get("contamination"));
        assertEquals(Map.of("acc", 1.0), result.records().get(0).get("scores"));
    }

    @Test
    void withoutStatusesThereAreNoCleanMetrics() {
        TaskResult result = TaskResult.ofItems("mc", "m", List.of(item(1, null), item(0, null)), 1.0, Map.of());
        assertEquals(0.5, result.metrics().get("acc"), 1e-12);
        assertTrue(result.cleanMetrics().isEmpty() && result.contamination().isEmpty());
        assertTrue(!result.json().containsKey("clean_metrics") && !result.records().get(0).containsKey("contamination"));
    }

    @Test
    void theComparisonHasAColumnPerModelInOrderAndARowPerMetric() {
        TaskResult sft = TaskResult.ofItems("math", "sft", List.of(item(1, Contamination.Status.CLEAN),
                item(0, Contamination.Status.CONTAMINATED)), 1, Map.of());
        TaskResult dpo = TaskResult.ofItems("math", "dpo", List.of(item(0, Contamination.Status.CLEAN),
                item(1, Contamination.Status.CONTAMINATED)), 1, Map.of());
        TaskResult ppl = new TaskResult("ppl", "pretrain", Map.of("bits_per_byte", 1.25), Map.of(), Map.of(), 3, 1,
                Map.of(), List.of());

        String table = Comparison.table(List.of(new Comparison.Column("pretrain", List.of(ppl)),
                new Comparison.Column("sft", List.of(sft)), new Comparison.Column("dpo", List.of(dpo))));

        List<String> lines = table.lines().toList();
        assertEquals("| task | metric | pretrain | sft | dpo |", lines.get(0));
        assertTrue(lines.contains("| ppl | bits_per_byte | 1.250 | – | – |"), table);
        assertTrue(lines.contains("| math | acc | – | 0.500 | 0.500 |"), table);
        assertTrue(lines.contains("| math | acc (clean) | – | 1.000 | 0.000 |"), table);
        assertTrue(table.contains("math: 1 clean, 0 partial, 1 contaminated"), table);
    }
}
