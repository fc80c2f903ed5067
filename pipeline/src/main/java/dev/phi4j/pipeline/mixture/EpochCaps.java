package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.schema.MixtureGroup;

/**
 * The most epochs a group's unique tokens may be repeated. The report gives no caps; its largest repetition is
 * synthetic data at 13.8 epochs, so the default 16 leaves the paper's mixture unconstrained while stopping a tiny
 * class from being repeated thousands of times. A capped group gets fewer tokens than its share, and its shortfall
 * goes to the uncapped groups in proportion to their shares.
 */
public record EpochCaps(
        @Doc("web") @Default("16") @Range(min = 0.01, max = 1e6) double web,
        @Doc("web rewrites") @Default("16") @Range(min = 0.01, max = 1e6) double webRewrites,
        @Doc("synthetic") @Default("16") @Range(min = 0.01, max = 1e6) double synthetic,
        @Doc("code") @Default("16") @Range(min = 0.01, max = 1e6) double code,
        @Doc("acquired sources") @Default("16") @Range(min = 0.01, max = 1e6) double acquired) {

    public static EpochCaps uniform(double cap) {
        return new EpochCaps(cap, cap, cap, cap, cap);
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
