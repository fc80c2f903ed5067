package dev.phi4j.pipeline.seed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.phi4j.core.schema.SeedTags;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A teacher's grade read leniently from its reply: the first JSON object in the text (prose or a code fence around it
 * is fine, so are single quotes, unquoted names and trailing commas), with {@code educational_value},
 * {@code complexity}, {@code factual_obscurity} and {@code reasoning_steps} as numbers or numeric strings. Tags are
 * rounded to whole numbers; a value outside its range is clamped into it, and each clamp is listed
 * ({@code complexity 7 → 5}) so the seed can record that the teacher's number was not used as given.
 */
record GradeReply(SeedScorer.Score score, List<String> clamped) {

    static final String EDUCATIONAL_VALUE = "educational_value";
    static final String COMPLEXITY = "complexity";
    static final String FACTUAL_OBSCURITY = "factual_obscurity";
    static final String REASONING_STEPS = "reasoning_steps";

    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();
    /** Braces tried before giving up: a grade is a short reply, not an essay of braces. */
    private static final int MAX_BRACES_TRIED = 32;

    /** The grade in {@code reply}, or empty when its first JSON object is missing or lacks a number. */
    static Optional<GradeReply> parse(String reply) {
        Optional<JsonNode> object = firstObject(reply);
        if (object.isEmpty()) {
            return Optional.empty();
        }
        JsonNode grade = object.get();
        OptionalDouble value = number(grade, EDUCATIONAL_VALUE);
        OptionalDouble complexity = number(grade, COMPLEXITY);
        OptionalDouble obscurity = number(grade, FACTUAL_OBSCURITY);
        OptionalDouble steps = number(grade, REASONING_STEPS);
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

    /** The first '{' from which a whole JSON object parses; braces in prose before it ({@code {x}}) are skipped. */
    private static Optional<JsonNode> firstObject(String text) {
        char[] chars = text.toCharArray();
        int open = text.indexOf('{');
        for (int tried = 0; open >= 0 && tried < MAX_BRACES_TRIED; tried++) {
            try (JsonParser parser = LENIENT.createParser(chars, open, chars.length - open)) {
                JsonNode node = LENIENT.readTree(parser);
                if (node != null && node.isObject()) {
                    return Optional.of(node);
                }
            } catch (IOException notJsonFromHere) {
                // The reply's text, not its grade: try the next brace.
            }
            open = text.indexOf('{', open + 1);
        }
        return Optional.empty();
    }

    private static OptionalDouble number(JsonNode grade, String field) {
        JsonNode value = grade.get(field);
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (value.isNumber()) {
            return OptionalDouble.of(value.asDouble());
        }
        if (value.isTextual()) {
            try {
                double parsed = Double.parseDouble(value.asText().strip());
                return Double.isFinite(parsed) ? OptionalDouble.of(parsed) : OptionalDouble.empty();
            } catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        return OptionalDouble.empty();
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
