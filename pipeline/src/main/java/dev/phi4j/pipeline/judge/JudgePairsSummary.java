package dev.phi4j.pipeline.judge;

import dev.phi4j.pipeline.stage.Manifest;
import dev.phi4j.pipeline.teacher.TeacherUsage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code summary.json} of a {@code phi4j judge-pairs} run: every prompt kept (a pair) or dropped with its reason, every
 * panel response scored ({@code kept}) or dropped with its reason, and what was asked of the endpoints.
 *
 * @param requests calls that went to an endpoint in this run (answers fetched, calls that failed; a call's retries count
 *                 once); answers found in the response cache are not among them
 * @param usage    per panel member and judge, as in a synthesize stage's {@code teacher.usage}
 */
public record JudgePairsSummary(String format, int version, String promptsFile, double margin,
                                Manifest.Counts prompts, Manifest.Counts responses, long requests,
                                List<TeacherUsage> usage, String pairs, String judgements) {

    public static final String FORMAT = "phi4j-judge-pairs";
    public static final int VERSION = 1;

    /** Both invariants: prompts in = kept + dropped, responses in = scored + dropped. */
    public boolean accountedFor() {
        return holds(prompts) && holds(responses);
    }

    private static boolean holds(Manifest.Counts counts) {
        return counts.in() == counts.kept() + counts.dropped()
                && counts.dropped() == counts.droppedByReason().values().stream().mapToLong(Long::longValue).sum();
    }

    /** The console report, one line per invariant, then the requests. */
    public List<String> lines() {
        long cached = usage.stream().mapToLong(TeacherUsage::cachedCalls).sum();
        return List.of(
                String.format(Locale.ROOT, "prompts    %,d in → %,d pairs kept, %,d dropped%s %s", prompts.in(),
                        prompts.kept(), prompts.dropped(), reasons(prompts.droppedByReason()), check(prompts)),
                String.format(Locale.ROOT, "responses  %,d in → %,d scored, %,d dropped%s %s", responses.in(),
                        responses.kept(), responses.dropped(), reasons(responses.droppedByReason()), check(responses)),
                String.format(Locale.ROOT, "requests   %,d to endpoints, %,d answers from the response cache", requests,
                        cached));
    }

    private static String reasons(Map<String, Long> byReason) {
        if (byReason.isEmpty()) {
            return "";
        }
        return byReason.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", " (", ")"));
    }

    private static String check(Manifest.Counts counts) {
        return holds(counts) ? "✓ in = kept + dropped" : "✗ in ≠ kept + dropped";
    }
}
