package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

/** One self-revision round (report D.1.2): a draft, its rubric critique with a score, and the revision. */
@Doc("one self-revision round: draft → scored critique → revision")
public record Revision(
        @Doc("round number, 1 for the first critique") int round,
        @Doc("the text that was critiqued") String draft,
        @Doc("the critique against the rubric (reasoning, factual accuracy)") String critique,
        @Doc("the critique's score of the draft, on the rubric's scale") double score,
        @Doc("the text after applying the critique") String revised) {

    public Revision {
        Require.atLeast(round, 1, "Revision.round");
        Require.nonNull(draft, "Revision.draft");
        Require.nonNull(critique, "Revision.critique");
        Require.finite(score, "Revision.score");
        Require.nonNull(revised, "Revision.revised");
    }
}
