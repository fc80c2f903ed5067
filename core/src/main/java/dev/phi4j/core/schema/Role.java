package dev.phi4j.core.schema;

/** ChatML speaker roles, written {@code <|im_start|>role<|im_sep|>…}; stored as the lower-case name. */
public enum Role {
    SYSTEM,
    USER,
    ASSISTANT
}
