package dev.phi4j.pipeline.synth;

import dev.phi4j.core.schema.TeacherCall;
import dev.phi4j.pipeline.teacher.ChatRequest;
import dev.phi4j.pipeline.teacher.ChatResult;
import dev.phi4j.pipeline.teacher.Teacher;
import dev.phi4j.pipeline.teacher.TeacherException;

/** The {@link TeacherCall} a sample records for one request, answered or failed. */
final class TeacherCalls {

    private TeacherCalls() {}

    static TeacherCall answered(ChatResult result, String step) {
        return new TeacherCall(result.teacher(), result.model(), TeacherCall.callId(result.cacheKey()),
                result.cacheKey(), step, result.finishReason() == null ? "unknown" : result.finishReason(),
                result.promptTokens(), result.completionTokens());
    }

    /** A request no answer came for: its cache key (so a re-run can be matched to it) and the failure as its reason. */
    static TeacherCall failed(Teacher teacher, ChatRequest request, TeacherException failure, String step) {
        String key = teacher.cacheKey(request);
        return new TeacherCall(teacher.name(), "", TeacherCall.callId(key), key, step, failure.reason(), 0, 0);
    }
}
