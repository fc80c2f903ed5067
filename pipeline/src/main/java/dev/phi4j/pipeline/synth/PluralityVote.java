package dev.phi4j.pipeline.synth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The vote over K answers to one question: the plurality answer (ties go to the smallest answer, so the result never
 * depends on the order answers arrived in) and how many answers agree with it. Missing answers (a failed call, no
 * extractable answer) count towards K but agree with nothing.
 */
record PluralityVote(Optional<String> answer, int agreeing, int answers) {

    static PluralityVote of(List<Optional<String>> extracted) {
        Map<String, Integer> counts = new TreeMap<>();
        extracted.forEach(answer -> answer.ifPresent(a -> counts.merge(a, 1, Integer::sum)));
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
            }
        }
        return new PluralityVote(Optional.ofNullable(best), bestCount, extracted.size());
    }

    /**
     * Why the question is dropped, or null to keep it: every answer agreeing means too easy to teach anything, fewer
     * than {@code minAgreeing} agreeing means too hard or ambiguous to trust a reference answer.
     */
    String dropReason(int minAgreeing, int maxAgreeing) {
        if (agreeing > maxAgreeing) {
            return PluralityStage.TOO_EASY;
        }
        if (agreeing < minAgreeing) {
            return PluralityStage.TOO_HARD;
        }
        return null;
    }
}
