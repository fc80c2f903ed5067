package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

/**
 * One request a synthetic sample cost: which teacher answered which step, how (finish reason, tokens), and the cache
 * key that finds the logged request and response again. Whether this run fetched or found it in the cache is not part
 * of the record, so a resumed run writes the same rows as an uninterrupted one; the stage's manifest counts that.
 */
@Doc("one teacher request behind a sample: teacher, step, finish reason, tokens, cache key")
public record TeacherCall(
        @Doc("the teacher's name in the config (a member of the panel)") String teacher,
        @Doc("model name as the endpoint reports it") String model,
        @Doc("id of the logged request: call- + SHA-256 prefix of the cache key") String callId,
        @Doc("sha256:… of endpoint, model, messages and sampling settings: the response cache entry") String cacheKey,
        @Doc("the flow step that made the call, e.g. planner, writer, critique-1, answer-3") String step,
        @Doc("the endpoint's finish reason (stop, length), or the failure reason (teacher_timeout, …) when no "
                + "answer came") String finishReason,
        @Doc("prompt tokens the endpoint counted") int promptTokens,
        @Doc("completion tokens the endpoint counted") int completionTokens) {

    public TeacherCall {
        Require.nonBlank(teacher, "TeacherCall.teacher");
        Require.nonNull(model, "TeacherCall.model");
        Require.id(IdKind.TEACHER_CALL, callId, "TeacherCall.callId");
        Require.nonBlank(cacheKey, "TeacherCall.cacheKey");
        Require.nonBlank(step, "TeacherCall.step");
        Require.nonBlank(finishReason, "TeacherCall.finishReason");
        Require.atLeast(promptTokens, 0, "TeacherCall.promptTokens");
        Require.atLeast(completionTokens, 0, "TeacherCall.completionTokens");
    }

    /** The call id of a cache key: the same request always has the same id. */
    public static String callId(String cacheKey) {
        return RecordIds.of(IdKind.TEACHER_CALL, cacheKey);
    }
}
