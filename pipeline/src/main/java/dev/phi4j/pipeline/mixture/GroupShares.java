package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.schema.MixtureGroup;

import java.util.Locale;

/**
 * Target share of training tokens per mixture group; the defaults are Table 5 of the Phi-4 report (the shares
 * {@link MixtureGroup} carries). They must add up to 1. A group whose documents are missing from the input has its
 * share spread over the others in proportion, and the manifest says so.
 */
public record GroupShares(
        @Doc("web pages") @Default("0.15") @Range(min = 0, max = 1) double web,
        @Doc("web pages rewritten into textbook and Q&A form") @Default("0.15") @Range(min = 0, max = 1) double webRewrites,
        @Doc("synthetic data from the teacher") @Default("0.40") @Range(min = 0, max = 1) double synthetic,
        @Doc("code, raw and synthetic") @Default("0.20") @Range(min = 0, max = 1) double code,
        @Doc("acquired sources: books, academic papers, Q&A and other") @Default("0.10") @Range(min = 0, max = 1)
        double acquired) {

    public GroupShares {
        double sum = web + webRewrites + synthetic + code + acquired;
        if (Math.abs(sum - 1) > 1e-6) {
            throw new InvalidConfigValue("web", String.format(Locale.ROOT, "the shares add up to %.4f, not 1 "
                    + "(web %s, web_rewrites %s, synthetic %s, code %s, acquired %s)", sum, web, webRewrites,
                    synthetic, code, acquired));
        }
    }

    /** The paper's mixture. */
    public static GroupShares table5() {
        return new GroupShares(MixtureGroup.WEB.share(), MixtureGroup.WEB_REWRITES.share(),
                MixtureGroup.SYNTHETIC.share(), MixtureGroup.CODE.share(), MixtureGroup.ACQUIRED.share());
    }

    public double of(MixtureGroup group) {
        return switch (group) {
            case WEB -> web;
            case WEB_REWRITES -> webRewrites;
            case SYNTHETIC -> synthetic;
            case CODE -> code;
            case ACQUIRED -> acquired;
        };
    }
}
