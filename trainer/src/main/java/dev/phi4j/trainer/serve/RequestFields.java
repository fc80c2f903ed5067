package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, checked access to the fields of a JSON request body. Every refusal is an {@link ApiError} naming the
 * field, in the OpenAI API's words; fields the endpoint does not know are refused too, as the OpenAI API does, so a
 * misspelt parameter is not silently ignored.
 */
final class RequestFields {

    private final ObjectNode body;

    RequestFields(JsonNode body, Set<String> known) {
        if (!(body instanceof ObjectNode object)) {
            throw ApiError.invalid("The request body must be a JSON object.", null);
        }
        this.body = object;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiError.invalid("Unrecognized request argument supplied: " + name, name, "unknown_parameter");
            }
        }
    }

    /** The field, or null when it is absent or JSON null. */
    JsonNode get(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value;
    }

    String requiredString(String name) {
        JsonNode value = get(name);
        if (value == null) {
            throw ApiError.invalid("Missing required parameter: '" + name + "'.", name, "missing_required_parameter");
        }
        if (!value.isTextual()) {
            throw ApiError.invalidType(name, "a string", kind(value));
        }
        return value.textValue();
    }

    boolean bool(String name, boolean absent) {
        JsonNode value = get(name);
        if (value == null) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalidType(name, "a boolean", kind(value));
        }
        return value.booleanValue();
    }

    double number(String name, double absent, double min, double max) {
        JsonNode value = get(name);
        if (value == null) {
            return absent;
        }
        if (!value.isNumber()) {
            throw ApiError.invalidType(name, "a decimal", kind(value));
        }
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            throw ApiError.outOfRange(name, "[" + trim(min) + ", " + trim(max) + "]", trim(number));
        }
        return number;
    }

    /** An integer field; absent gives {@code absent} (which may lie outside the range, e.g. "not given"). */
    long integer(String name, long absent, long min, long max) {
        JsonNode value = get(name);
        if (value == null) {
            return absent;
        }
        return integerValue(name, value, min, max);
    }

    static long integerValue(String name, JsonNode value, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiError.invalidType(name, "an integer", kind(value));
        }
        long number = value.longValue();
        if (number < min || number > max) {
            throw ApiError.outOfRange(name, "[" + min + ", " + max + "]", number);
        }
        return number;
    }

    /** {@code stop}: a string or an array of at most {@code max} non-empty strings. */
    List<String> stopSequences(String name, int max) {
        JsonNode value = get(name);
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value.isTextual()) {
            out.add(value.textValue());
        } else if (value.isArray()) {
            if (value.size() > max) {
                throw ApiError.invalid("Invalid '" + name + "': at most " + max + " stop sequences, got "
                        + value.size() + ".", name, "invalid_value");
            }
            for (JsonNode element : value) {
                if (!element.isTextual()) {
                    throw ApiError.invalidType(name + "[]", "a string", kind(element));
                }
                out.add(element.textValue());
            }
        } else {
            throw ApiError.invalidType(name, "a string or an array of strings", kind(value));
        }
        for (String stop : out) {
            if (stop.isEmpty()) {
                throw ApiError.invalid("Invalid '" + name + "': a stop sequence must not be empty.", name,
                        "invalid_value");
            }
        }
        return out;
    }

    /** Refuses a field that is present with anything but the values that mean "not used". */
    void unsupported(String name, JsonNode... accepted) {
        JsonNode value = get(name);
        if (value == null) {
            return;
        }
        for (JsonNode ok : accepted) {
            if (ok.equals(value)) {
                return;
            }
        }
        throw ApiError.invalid("'" + name + "' is not supported by this server.", name, "unsupported_parameter");
    }

    static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> value.isIntegralNumber() ? "an integer" : "a decimal";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "null";
        };
    }

    private static String trim(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
