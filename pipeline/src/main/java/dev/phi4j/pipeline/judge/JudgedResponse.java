package dev.phi4j.pipeline.judge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * One panel member's response to a prompt and the judge's verdict on it, or why it has none.
 *
 * @param outcome     {@link #SCORED}, or the reason the response takes no part in the pair: the panel call's failure
 *                    ({@code teacher_timeout}, {@code teacher_http_500}, …), {@code response_truncated},
 *                    {@code response_empty}, the judge call's failure ({@code judge_timeout}, …),
 *                    {@code judgement_not_json} or {@code judgement_invalid_scores}
 * @param callId      the panel request's {@code call-} id (its response cache entry)
 * @param judgeCallId the judge request's {@code call-} id; empty when the judge was not asked
 * @param judgeReply  what the judge answered, as it answered it; empty when it was not asked or failed
 */
record JudgedResponse(String member, String model, String text, String callId, String judgeCallId,
                      String judgeReply, Optional<Judgement> judgement, String outcome, String detail) {

    static final String SCORED = "scored";

    static JudgedResponse unjudged(String member, String model, String text, String callId, String reason,
                                   String detail) {
        return new JudgedResponse(member, model, text, callId, "", "", Optional.empty(), reason, detail);
    }

    boolean scored() {
        return judgement.isPresent();
    }

    ObjectNode toJson(ObjectNode json) {
        json.put("member", member).put("model", model).put("call_id", callId).put("outcome", outcome);
        if (!detail.isEmpty()) {
            json.put("detail", detail);
        }
        judgement.ifPresent(j -> {
            ObjectNode scores = json.putObject("scores");
            scores.put(Judgement.ACCURACY, j.accuracy()).put(Judgement.STYLE, j.style())
                    .put(Judgement.DETAIL, j.detail()).put("mean", j.mean());
            ArrayNode faults = json.putArray(Judgement.FAULTS);
            j.faults().forEach(faults::add);
        });
        json.put("text", text);
        if (!judgeCallId.isEmpty()) {
            json.put("judge_call_id", judgeCallId).put("judge_reply", judgeReply);
        }
        return json;
    }
}
