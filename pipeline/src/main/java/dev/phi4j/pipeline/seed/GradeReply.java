package dev.phi4j.pipeline.seed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.schema.SeedTags;
import dev.phi4j.pipeline.teacher.ReplyJson;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A teacher's grade read leniently from its reply ({@link ReplyJson}: the first JSON object in the text), with
 * {@code educational_value}, {@code complexity}, {@code factual_obscurity} and {@code reasoning_steps} as numbers or
 * numeric strings. Tags are rounded to whole numbers; a value outside its range is clamped into it, and each clamp is
 * listed ({@code complexity 7 → 5}) so the seed can record that the teacher's number was not used as given.
 */
record GradeReply(SeedScorer.Score score, List<String> clamped) {

    static final String EDUCATIONAL_VALUE = "educational_value";
    static final String COMPLEXITY = "complexity";
    static final String FACTUAL_OBSCURITY = "factual_obscurity";
    static final String REASONING_STEPS = "reasoning_steps";

    /** The grade in {@code reply}, or empty when its first JSON object is missing or lacks a number. */
    static Optional<GradeReply> parse(String reply) {
        Optional<JsonNode> object = ReplyJson.firstObject(reply);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        JsonNode grade = object.get();
        OptionalDouble value = ReplyJson.number(grade, EDUCATIONAL_VALUE);
        OptionalDouble complexity = ReplyJson.number(grade, COMPLEXITY);
        OptionalDouble obscurity = ReplyJson.number(grade, FACTUAL_OBSCURITY);
        OptionalDouble steps = ReplyJson.number(grade, REASONING_STEPS);
        if (value.isEmpty() || complexity.isEmpty() || obscurity.isEmpty() || steps.isEmpty()) {
            return Optional.empty();
        }
        List<String> clamped = new ArrayList<>();
        double educationalValue = clamp(EDUCATIONAL_VALUE, value.getAsDouble(), 0, 1, clamped);
        SeedTags tags = new SeedTags(
                (int) clamp(COMPLEXITY, Math.round(complexity.getAsDouble()), 1, 5, clamped),
                (int) clamp(FACTUAL_OBSCURITY, Math.round(obscurity.getAsDouble()), 1, 5, clamped),
                (int) clamp(REASONING_STEPS, Math.round(steps.getAsDouble()), 0, Integer.MAX_VALUE, clamped));
        return Optional.of(new GradeReply(new SeedScorer.Score(tags, educationalValue), List.copyOf(clamped)));
    }

    private static double clamp(String field, double value, double min, double max, List<String> clamped) {
        double inRange = Math.max(min, Math.min(max, value));
        if (inRange != value) {
            clamped.add(field + " " + plain(value) + " → " + plain(inRange));
        }
        return inRange;
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
