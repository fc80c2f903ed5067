package dev.phi4j.pipeline;

import java.util.List;

/**
 * {@code _run.json}: the stages of a run in order with their status, rewritten as the run goes, so that
 * {@code phi4j pipeline status} and the inspection report find every stage folder without guessing.
 */
public record RunIndex(String format, int version, String name, String updatedAt, List<Entry> stages) {

    public static final String FORMAT = "phi4j-pipeline-run";
    public static final int VERSION = 1;

    /**
     * @param status {@code pending}, {@code running}, {@code done} (ran in this invocation), {@code reused}
     *               (finished earlier with the same identity) or {@code failed}
     */
    public record Entry(int index, String name, String type, String dir, String status, String identity) {}
}
