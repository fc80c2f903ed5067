package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phi4j.core.schema.Conversation;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferenceKind;
import dev.phi4j.core.schema.PreferencePair;
import dev.phi4j.core.schema.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Conversations and preference pairs from JSONL lines:
 * <pre>
 * {"messages": [{"role": "system|user|assistant", "content": "..."}, ...], "lineage": ["sample-...", ...]}
 * {"prompt": [messages] or "a user message", "chosen": "...", "rejected": "...", "kind": "judge|pts", "lineage": [...]}
 * </pre>
 * A line that is not such an object is an {@link IllegalArgumentException} whose message is the drop detail.
 * {@code phi4j judge-pairs} reads its prompts with {@link #prompt}, so a prompt file and a pair file agree on the shape.
 */
public final class PostTrainingRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PostTrainingRecords() {}

    static Conversation conversation(String line) {
        JsonNode root = object(line);
        return Conversation.of(messages(root.get("messages"), "messages"), lineage(root));
    }

    static PreferencePair pair(String line) {
        JsonNode root = object(line);
        List<Message> messages = prompt(root);
        String kind = root.path("kind").asText("judge");
        PreferenceKind parsed;
        try {
            parsed = PreferenceKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind '" + kind + "' is not judge or pts");
        }
        return PreferencePair.of(messages, text(root, "chosen"), text(root, "rejected"), parsed, lineage(root));
    }

    /** The {@code prompt} of a JSONL object: a list of messages, or a string that is one user message. */
    public static List<Message> prompt(JsonNode root) {
        JsonNode prompt = root.get("prompt");
        return prompt != null && prompt.isTextual() ? List.of(Message.user(prompt.asText()))
                : messages(prompt, "prompt");
    }

    /** The JSON object on {@code line}; malformed JSON or another value is an error naming what it is. */
    public static JsonNode object(String line) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return root;
    }

    private static List<Message> messages(JsonNode node, String field) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' must be a non-empty list of {role, content}");
        }
        List<Message> messages = new ArrayList<>();
        for (JsonNode item : node) {
            String role = item.path("role").asText("");
            Role parsed;
            try {
                parsed = Role.valueOf(role.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("role '" + role + "' is not system, user or assistant");
            }
            if (!item.path("content").isTextual()) {
                throw new IllegalArgumentException("a message lacks a string 'content'");
            }
            messages.add(new Message(parsed, item.get("content").asText()));
        }
        return messages;
    }

    private static String text(JsonNode root, String field) {
        if (!root.path(field).isTextual()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return root.get(field).asText();
    }

    /** The {@code lineage} ids of a JSONL object; none when it has no such list. */
    public static List<String> lineage(JsonNode root) {
        List<String> lineage = new ArrayList<>();
        for (JsonNode id : root.path("lineage")) {
            lineage.add(id.asText());
        }
        return lineage;
    }
}
