package dev.phi4j.pipeline.teacher;

import dev.phi4j.core.schema.Message;

import java.io.Serializable;
import java.util.List;

/**
 * One chat-completions request to a teacher: the messages and every sampling setting that changes the answer. All of
 * it is part of the response cache key, so two requests that differ only in {@code seed} are two cache entries: the
 * K independent answers of plurality filtering are K seeds, never K copies of one cached answer.
 */
public record ChatRequest(List<Message> messages, double temperature, double topP, int maxTokens, long seed)
        implements Serializable {

    public ChatRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
    }

    public ChatRequest withSeed(long newSeed) {
        return new ChatRequest(messages, temperature, topP, maxTokens, newSeed);
    }
}
