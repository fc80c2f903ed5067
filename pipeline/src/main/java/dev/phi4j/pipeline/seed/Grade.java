package dev.phi4j.pipeline.seed;

import java.util.Map;

/**
 * How one candidate excerpt was graded: its tags and educational value, or the {@code failure} it is dropped for when
 * there is no grade; and the {@code seed.*} entries its metadata records about the grading (who graded, the heuristic
 * value beside a teacher's, a raw reply that could not be used as given).
 */
record Grade(SeedScorer.Score score, String failure, Map<String, String> metadata) {

    Grade {
        metadata = Map.copyOf(metadata);
    }

    static Grade of(SeedScorer.Score score, Map<String, String> metadata) {
        return new Grade(score, null, metadata);
    }

    static Grade failed(String reason, Map<String, String> metadata) {
        return new Grade(null, reason, metadata);
    }

    boolean graded() {
        return failure == null;
    }
}
