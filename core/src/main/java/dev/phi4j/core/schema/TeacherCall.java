package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

/** Which teacher model produced a response, and the id of the logged request, so it can be audited. */
@Doc("the teacher model and the id of the logged request that produced a response")
public record TeacherCall(
        @Doc("teacher model name as the endpoint reports it") String model,
        @Doc("id of the logged request: call- + SHA-256 prefix of model, messages and sampling settings") String callId) {

    public TeacherCall {
        Require.nonBlank(model, "TeacherCall.model");
        Require.id(IdKind.TEACHER_CALL, callId, "TeacherCall.callId");
    }
}
