package dev.phi4j.core.schema;

/** Outcome of checking a synthetic sample (code execution, answer checking); stored lower-case. */
public enum ValidationStatus {
    PASSED,
    FAILED,
    /** No validator applies to the sample's technique, or it has not run yet. */
    NOT_RUN
}
