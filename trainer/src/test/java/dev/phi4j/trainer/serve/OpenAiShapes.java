package dev.phi4j.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The response shapes the official OpenAI python client (openai-python 1.x, its pydantic models {@code ChatCompletion},
 * {@code ChatCompletionChunk}, {@code Completion}, {@code CompletionUsage}, {@code ChatCompletionTokenLogprob},
 * {@code Logprobs}) reads: required fields with their JSON types, nullable fields either null or typed.
 */
final class OpenAiShapes {

    private static final Set<String> CHAT_FINISH = Set.of("stop", "length", "tool_calls", "content_filter",
            "function_call");
    private static final Set<String> COMPLETION_FINISH = Set.of("stop", "length", "content_filter");

    private OpenAiShapes() {}

    static void chatCompletion(JsonNode body) {
        envelope(body, "chat.completion");
        for (JsonNode choice : array(body, "choices")) {
            integer(choice, "index");
            oneOf(choice, "finish_reason", CHAT_FINISH);
            JsonNode message = object(choice, "message");
            assertEquals("assistant", string(message, "role"));
            nullableString(message, "content");
            nullableString(message, "refusal");
            chatLogprobs(choice.get("logprobs"));
        }
        usage(object(body, "usage"));
    }

    static void chatChunk(JsonNode body) {
        envelope(body, "chat.completion.chunk");
        for (JsonNode choice : array(body, "choices")) {
            integer(choice, "index");
            JsonNode delta = object(choice, "delta");
            if (delta.has("role")) {
                assertEquals("assistant", string(delta, "role"));
            }
            nullableString(delta, "content");
            if (!choice.get("finish_reason").isNull()) {
                oneOf(choice, "finish_reason", CHAT_FINISH);
            }
            chatLogprobs(choice.get("logprobs"));
        }
    }

    static void completion(JsonNode body) {
        envelope(body, "text_completion");
        for (JsonNode choice : array(body, "choices")) {
            completionChoice(choice);
            oneOf(choice, "finish_reason", COMPLETION_FINISH);
        }
        usage(object(body, "usage"));
    }

    static void completionChunk(JsonNode body) {
        envelope(body, "text_completion");
        for (JsonNode choice : array(body, "choices")) {
            completionChoice(choice);
            if (!choice.get("finish_reason").isNull()) {
                oneOf(choice, "finish_reason", COMPLETION_FINISH);
            }
        }
    }

    /** {"error": {"message": str, "type": str, "param": str|null, "code": str|null}} */
    static void error(JsonNode body) {
        JsonNode error = object(body, "error");
        assertTrue(!string(error, "message").isEmpty());
        string(error, "type");
        nullableString(error, "param");
        nullableString(error, "code");
        assertEquals(Set.of("message", "type", "param", "code"), fieldNames(error));
    }

    private static void completionChoice(JsonNode choice) {
        integer(choice, "index");
        string(choice, "text");
        JsonNode logprobs = present(choice, "logprobs");
        if (logprobs.isNull()) {
            return;
        }
        assertTrue(logprobs.isObject());
        for (JsonNode token : array(logprobs, "tokens")) {
            assertTrue(token.isTextual());
        }
        for (JsonNode value : array(logprobs, "token_logprobs")) {
            assertTrue(value.isNull() || value.isNumber());
        }
        for (JsonNode top : array(logprobs, "top_logprobs")) {
            assertTrue(top.isNull() || top.isObject());
            top.forEach(v -> assertTrue(v.isNumber()));
        }
        for (JsonNode offset : array(logprobs, "text_offset")) {
            assertTrue(offset.isIntegralNumber());
        }
    }

    private static void chatLogprobs(JsonNode logprobs) {
        if (logprobs == null) {
            fail("choice.logprobs must be present (null or an object)");
        }
        if (logprobs.isNull()) {
            return;
        }
        for (JsonNode token : array(logprobs, "content")) {
            tokenLogprob(token);
            for (JsonNode top : array(token, "top_logprobs")) {
                tokenLogprob(top);
            }
        }
    }

    private static void tokenLogprob(JsonNode token) {
        string(token, "token");
        assertTrue(present(token, "logprob").isNumber());
        assertTrue(token.get("logprob").asDouble() <= 0);
        for (JsonNode b : array(token, "bytes")) {
            assertTrue(b.isIntegralNumber() && b.asInt() >= 0 && b.asInt() < 256);
        }
    }

    private static void usage(JsonNode usage) {
        int prompt = integer(usage, "prompt_tokens");
        int completion = integer(usage, "completion_tokens");
        assertEquals(prompt + completion, integer(usage, "total_tokens"));
    }

    private static void envelope(JsonNode body, String object) {
        assertTrue(!string(body, "id").isEmpty());
        assertEquals(object, string(body, "object"));
        integer(body, "created");
        string(body, "model");
        nullableString(body, "system_fingerprint");
    }

    private static JsonNode present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            fail("missing field '" + field + "' in " + node);
        }
        return value;
    }

    private static String string(JsonNode node, String field) {
        JsonNode value = present(node, field);
        assertTrue(value.isTextual(), field + " must be a string: " + node);
        return value.asText();
    }

    private static void nullableString(JsonNode node, String field) {
        JsonNode value = node.get(field);
        assertTrue(value == null || value.isNull() || value.isTextual(), field + " must be a string or null: " + node);
    }

    private static int integer(JsonNode node, String field) {
        JsonNode value = present(node, field);
        assertTrue(value.isIntegralNumber(), field + " must be an integer: " + node);
        return value.asInt();
    }

    private static JsonNode object(JsonNode node, String field) {
        JsonNode value = present(node, field);
        assertTrue(value.isObject(), field + " must be an object: " + node);
        return value;
    }

    private static JsonNode array(JsonNode node, String field) {
        JsonNode value = present(node, field);
        assertTrue(value.isArray(), field + " must be an array: " + node);
        return value;
    }

    private static void oneOf(JsonNode node, String field, Set<String> allowed) {
        String value = string(node, field);
        assertTrue(allowed.contains(value), field + " = " + value + " is not one of " + allowed);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
