package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A JSON object a teacher was asked to reply with, read leniently: the first object in the text (prose or a code fence
 * around it is fine, so are single quotes, unquoted names and trailing commas), and numbers that may come as numeric
 * strings. Models asked for "this JSON only" still wrap it; a grade or a judgement is not lost for that.
 */
public final class ReplyJson {

    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();
    /** Braces tried before giving up: such a reply is short, not an essay of braces. */
    private static final int MAX_BRACES_TRIED = 32;

    private ReplyJson() {}

    /** The first '{' from which a whole JSON object parses; braces in prose before it ({@code {x}}) are skipped. */
    public static Optional<JsonNode> firstObject(String text) {
        char[] chars = text.toCharArray();
        int open = text.indexOf('{');
        for (int tried = 0; open >= 0 && tried < MAX_BRACES_TRIED; tried++) {
            try (JsonParser parser = LENIENT.createParser(chars, open, chars.length - open)) {
                JsonNode node = LENIENT.readTree(parser);
                if (node != null && node.isObject()) {
                    return Optional.of(node);
                }
            } catch (IOException notJsonFromHere) {
                // The reply's text, not its object: try the next brace.
            }
            open = text.indexOf('{', open + 1);
        }
        return Optional.empty();
    }

    /** {@code field} of {@code object} as a finite number, given as a JSON number or a numeric string. */
    public static OptionalDouble number(JsonNode object, String field) {
        JsonNode value = object.get(field);
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
}
