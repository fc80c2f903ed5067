package dev.phi4j.pipeline.judge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.RecordIds;
import dev.phi4j.core.schema.Role;
import dev.phi4j.pipeline.mixture.PostTrainingRecords;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One line of the prompts file: {@code {"prompt": "..." or [messages], "id": "...", "lineage": ["sample-…"]}}, read
 * as a DPO pair's prompt is ({@link PostTrainingRecords#prompt}), so a pair file is a prompt file too.
 *
 * @param id      the line's {@code id}, else {@code line-N} (N counted from 1)
 * @param lineage the line's record ids, carried into the pair
 */
record JudgePrompt(String id, List<Message> messages, List<String> lineage) {

    /**
     * The prompt on {@code line} (line number {@code number}); an {@link IllegalArgumentException} whose message says
     * what is wrong when it is not one.
     */
    static JudgePrompt parse(String line, int number) {
        JsonNode root = PostTrainingRecords.object(line);
        List<Message> messages = PostTrainingRecords.prompt(root);
        if (messages.get(messages.size() - 1).role() != Role.USER) {
            throw new IllegalArgumentException("the prompt's last turn is " + messages.get(messages.size() - 1).role()
                    .name().toLowerCase(Locale.ROOT) + "; the panel answers prompts whose last turn is the user's");
        }
        List<String> lineage = PostTrainingRecords.lineage(root);
        lineage.forEach(RecordIds::kindOf);
        JsonNode id = root.get("id");
        return new JudgePrompt(id != null && id.isValueNode() && !id.asText().isBlank() ? id.asText()
                : "line-" + number, messages, List.copyOf(lineage));
    }

    /** The conversation as the judge reads it: a lone user message as it is, else one "role: content" per turn. */
    String forJudge() {
        if (messages.size() == 1) {
            return messages.get(0).content();
        }
        return messages.stream().map(m -> m.role().name().toLowerCase(Locale.ROOT) + ": " + m.content())
                .collect(Collectors.joining("\n\n"));
    }
}
