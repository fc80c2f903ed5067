package dev.phi4j.core.schema;

/**
 * The five groups of the Phi-4 pretraining mixture (Table 5 of the report) and the share of training
 * tokens each receives. The shares are the paper's defaults; a mixture config may override them.
 */
public enum MixtureGroup {
    WEB(0.15),
    WEB_REWRITES(0.15),
    SYNTHETIC(0.40),
    CODE(0.20),
    /** Books, academic papers, Q&A and other licensed or acquired sources. */
    ACQUIRED(0.10);

    private final double share;

    MixtureGroup(double share) {
        this.share = share;
    }

    /** Fraction of pretraining tokens drawn from this group in the paper's mixture. */
    public double share() {
        return share;
    }
}
