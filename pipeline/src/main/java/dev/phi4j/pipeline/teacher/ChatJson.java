package dev.phi4j.pipeline.teacher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.schema.Message;

import java.util.List;
import java.util.Locale;

/** The chat-completions wire shapes the request body and the cache key share. */
final class ChatJson {

    /** Compact and in insertion order: a request body, and the canonical text a cache key hashes. */
    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private ChatJson() {}

    /** {@code [{role, content}]}, roles lower-case as ChatML names them. */
    static void putMessages(ObjectNode json, List<Message> messages) {
        ArrayNode array = json.putArray("messages");
        for (Message message : messages) {
            array.addObject().put("role", message.role().name().toLowerCase(Locale.ROOT))
                    .put("content", message.content());
        }
    }
}
