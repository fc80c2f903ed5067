package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

/** The result of validating a synthetic sample, e.g. running its code against tests. */
@Doc("the result of validating a sample, e.g. running its code against tests")
public record Validation(
        @Doc("passed, failed or not_run") ValidationStatus status,
        @Doc("what the validator saw, e.g. the failing test's output; empty when there is nothing to say") String detail) {

    public Validation {
        Require.nonNull(status, "Validation.status");
        Require.nonNull(detail, "Validation.detail");
    }

    public static Validation notRun() {
        return new Validation(ValidationStatus.NOT_RUN, "");
    }
}
