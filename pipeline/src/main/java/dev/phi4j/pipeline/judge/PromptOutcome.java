package dev.phi4j.pipeline.judge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.schema.Message;
import dev.phi4j.core.schema.PreferencePair;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What became of one prompt: a pair ({@link #KEPT}) or the reason it has none, with every response and its verdict.
 *
 * @param outcome {@link #KEPT}, or {@code invalid_prompt}, {@code too_few_scored}, {@code identical_responses},
 *                {@code below_margin}
 */
record PromptOutcome(String promptId, List<Message> prompt, List<JudgedResponse> responses,
                     Optional<Choice> choice, String outcome, String detail) {

    static final String KEPT = "kept";

    /** The pair and the two responses it was made of. */
    record Choice(PreferencePair pair, JudgedResponse chosen, JudgedResponse rejected) {}

    static PromptOutcome kept(JudgePrompt prompt, List<JudgedResponse> responses, Choice choice, String detail) {
        return new PromptOutcome(prompt.id(), prompt.messages(), responses, Optional.of(choice), KEPT, detail);
    }

    static PromptOutcome dropped(JudgePrompt prompt, List<JudgedResponse> responses, String reason, String detail) {
        return new PromptOutcome(prompt.id(), prompt.messages(), responses, Optional.empty(), reason, detail);
    }

    /** A line that is not a prompt: nothing was asked. */
    static PromptOutcome invalid(String promptId, String detail) {
        return new PromptOutcome(promptId, List.of(), List.of(), Optional.empty(), JudgePairs.INVALID_PROMPT, detail);
    }

    /** The line of judgements.jsonl: the prompt, its outcome, and each response with its scores and faults. */
    ObjectNode judgementJson(ObjectNode json) {
        json.put("prompt_id", promptId).put("outcome", outcome).put("detail", detail);
        choice.ifPresent(c -> json.put("pair_id", c.pair().id()));
        messages(json.putArray("prompt"), prompt);
        ArrayNode judged = json.putArray("responses");
        for (JudgedResponse response : responses) {
            ObjectNode entry = response.toJson(judged.addObject());
            choice.ifPresent(c -> entry.put("in_pair", c.chosen() == response ? "chosen"
                    : c.rejected() == response ? "rejected" : "none"));
        }
        return json;
    }

    /**
     * The line of pairs.jsonl, as a mixture's dpo set reads it ({@code prompt}, {@code chosen}, {@code rejected},
     * {@code kind}, {@code lineage}), with which prompt and members it came from.
     */
    ObjectNode pairJson(ObjectNode json) {
        Choice kept = choice.orElseThrow(() -> new IllegalStateException("prompt " + promptId + " has no pair"));
        PreferencePair pair = kept.pair();
        json.put("id", pair.id());
        messages(json.putArray("prompt"), pair.prompt());
        json.put("chosen", pair.chosen()).put("rejected", pair.rejected())
                .put("kind", pair.kind().name().toLowerCase(Locale.ROOT));
        ArrayNode lineage = json.putArray("lineage");
        pair.lineage().forEach(lineage::add);
        json.put("prompt_id", promptId).put("chosen_by", kept.chosen().member())
                .put("rejected_by", kept.rejected().member());
        return json;
    }

    private static void messages(ArrayNode array, List<Message> messages) {
        for (Message message : messages) {
            array.addObject().put("role", message.role().name().toLowerCase(Locale.ROOT))
                    .put("content", message.content());
        }
    }
}
