package dev.phi4j.core.schema;

import dev.phi4j.core.Doc;

/**
 * The tags the report attaches to every seed (Appendix D.1.1) so generation can be steered towards
 * harder, rarer, longer-reasoning material. The 1–5 scales are phi4j's choice; the report gives none.
 */
@Doc("seed tags from the report (D.1.1): complexity, factual obscurity, reasoning steps")
public record SeedTags(
        @Doc("how demanding the excerpt is to understand, 1 (trivial) to 5 (expert)") int complexity,
        @Doc("how rare the facts are, 1 (common knowledge) to 5 (obscure)") int factualObscurity,
        @Doc("number of reasoning steps a question about the excerpt needs, ≥ 0") int reasoningSteps) {

    public SeedTags {
        Require.between(complexity, 1, 5, "SeedTags.complexity");
        Require.between(factualObscurity, 1, 5, "SeedTags.factualObscurity");
        Require.atLeast(reasoningSteps, 0, "SeedTags.reasoningSteps");
    }
}
