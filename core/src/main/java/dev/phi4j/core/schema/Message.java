package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.ArrayList;
import java.util.List;

/** One turn of a chat. */
@Doc("one turn of a chat")
public record Message(
        @Doc("ChatML role: system, user or assistant") Role role,
        @Doc("the turn's text") String content) {

    public Message {
        Require.nonNull(role, "Message.role");
        Require.nonNull(content, "Message.content");
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content);
    }

    /**
     * Role and content of each message, in order: the identifying content of a chat for {@link RecordIds}.
     * Factories hash before the constructor runs, so the list is checked here, under the field's name.
     */
    static List<String> idParts(List<Message> messages, String field) {
        List<String> parts = new ArrayList<>(2 * messages.size());
        for (Message message : Require.list(messages, field)) {
            parts.add(message.role().name());
            parts.add(message.content());
        }
        return parts;
    }
}
