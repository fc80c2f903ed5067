package dev.phi4j.pipeline.report;

import dev.phi4j.core.report.Html;

/**
 * Renders one kind of manifest section, found by its name in any stage or set manifest. Registered in
 * {@link ReportSections}; a stage that writes a section of a registered name appears in the report without any
 * change here. A renderer reads only the section's JSON and tolerates missing fields (older or partial writers).
 */
interface SectionRenderer {

    /** The manifest section name, e.g. {@code dedup.clusters}. */
    String name();

    /** The card title. */
    String title();

    /** Which stage writes the section, for the registry's documentation. */
    String writer();

    /**
     * Renders the card body; records for the sample browser go to {@code context.records()}. Renderers whose
     * section only feeds the browser return false from {@link #card} and render nothing.
     */
    void render(Html html, RunReport.Section section, ReportContext context);

    default boolean card() {
        return true;
    }
}
