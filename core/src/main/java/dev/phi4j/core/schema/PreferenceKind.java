package dev.phi4j.core.schema;

/** How a DPO pair was made (report §4.2); stored as the lower-case name. */
public enum PreferenceKind {
    /** Pivotal Token Search: chosen and rejected are single tokens after a shared prefix (round 1). */
    PTS,
    /** Judge-guided: whole responses ranked by a judge's accuracy, style and detail scores (round 2). */
    JUDGE
}
