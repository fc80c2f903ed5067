package dev.phi4j.pipeline.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.pipeline.teacher.ReplyJson;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A judge's verdict on one response: the faults it listed and its 1–5 scores for accuracy, style and detail. Read
 * from the judge's reply by {@link #read}: the reply's first JSON object ({@link ReplyJson}, so prose or a code fence
 * around it is fine); faults may be missing (none) or one string.
 */
public record Judgement(List<String> faults, double accuracy, double style, double detail) {

    static final String FAULTS = "faults";
    static final String ACCURACY = "accuracy";
    static final String STYLE = "style";
    static final String DETAIL = "detail";
    static final double MIN_SCORE = 1;
    static final double MAX_SCORE = 5;

    /** Better first: higher accuracy, then, when accuracy ties, the higher mean of the three scores. */
    static final Comparator<Judgement> BETTER_FIRST = Comparator.comparingDouble(Judgement::accuracy)
            .thenComparingDouble(Judgement::mean).reversed();

    public Judgement {
        faults = List.copyOf(faults);
    }

    public double mean() {
        return (accuracy + style + detail) / 3;
    }

    /** What a judge's reply says: a judgement, or why none could be read from it. */
    sealed interface Reading permits Read, Unreadable {}

    record Read(Judgement judgement) implements Reading {}

    /** {@code reason} is {@link #NOT_JSON} or {@link #INVALID_SCORES}; {@code detail} says what was wrong. */
    record Unreadable(String reason, String detail) implements Reading {}

    static final String NOT_JSON = "judgement_not_json";
    static final String INVALID_SCORES = "judgement_invalid_scores";

    static Reading read(String reply) {
        Optional<JsonNode> object = ReplyJson.firstObject(reply);
        if (object.isEmpty()) {
            return new Unreadable(NOT_JSON, "the judge's reply holds no JSON object");
        }
        JsonNode verdict = object.get();
        List<String> problems = new ArrayList<>();
        double accuracy = score(verdict, ACCURACY, problems);
        double style = score(verdict, STYLE, problems);
        double detail = score(verdict, DETAIL, problems);
        if (!problems.isEmpty()) {
            return new Unreadable(INVALID_SCORES, String.join("; ", problems));
        }
        return new Read(new Judgement(faults(verdict.get(FAULTS)), accuracy, style, detail));
    }

    /** A score in [1, 5]; a missing or out-of-range one is listed in {@code problems} (its value is then unused). */
    private static double score(JsonNode verdict, String field, List<String> problems) {
        OptionalDouble value = ReplyJson.number(verdict, field);
        if (value.isEmpty()) {
            problems.add(field + " is missing or not a number");
            return Double.NaN;
        }
        double score = value.getAsDouble();
        if (score < MIN_SCORE || score > MAX_SCORE) {
            problems.add(field + " " + verdict.get(field).asText() + " is outside 1–5");
        }
        return score;
    }

    private static List<String> faults(JsonNode faults) {
        if (faults == null || faults.isNull()) {
            return List.of();
        }
        if (!faults.isArray()) {
            return faults.asText().isBlank() ? List.of() : List.of(faults.asText());
        }
        List<String> listed = new ArrayList<>();
        for (JsonNode fault : faults) {
            listed.add(fault.isTextual() ? fault.asText() : fault.toString());
        }
        return listed;
    }
}
