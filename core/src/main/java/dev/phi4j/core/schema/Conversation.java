package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

import java.util.List;

/** A chat used for supervised fine-tuning. */
@Doc("a chat used for supervised fine-tuning")
public record Conversation(
        @Doc("content-derived id: conv- + SHA-256 prefix of the messages") String id,
        @Doc("the turns, in order") List<Message> messages,
        @Doc("ids of the records this conversation was built from, e.g. sample- and seed- ids") List<String> lineage) {

    public Conversation {
        Require.id(IdKind.CONVERSATION, id, "Conversation.id");
        messages = Require.nonEmpty(messages, "Conversation.messages");
        lineage = Require.lineage(lineage, "Conversation.lineage");
    }

    public static Conversation of(List<Message> messages, List<String> lineage) {
        return new Conversation(RecordIds.of(IdKind.CONVERSATION, Message.idParts(messages, "Conversation.messages")), messages, lineage);
    }
}
