package dev.phi4j.pipeline.dedup;

import dev.phi4j.core.Doc;
import dev.phi4j.core.config.Default;
import dev.phi4j.core.config.InvalidConfigValue;
import dev.phi4j.core.config.Range;
import dev.phi4j.core.config.Variant;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageConfig;

import java.util.List;
import java.util.Optional;

/**
 * Exact and near-duplicate removal. Exact: documents whose normalised text (lower case, single spaces) hashes the
 * same. Near: MinHash-LSH over word shingles, clusters as connected components of documents sharing a band. Each
 * cluster keeps one document, the one with the smallest id, so the choice does not depend on partitioning.
 */
@Variant("dedup")
public record DedupConfig(
        @Doc(StageConfig.NAME_DOC) Optional<String> name,
        @Doc(StageConfig.INPUT_DOC) @Default("[]") List<String> input,
        @Doc("drop documents whose normalised text equals another's (exact_duplicate)") @Default("true") boolean exact,
        @Doc("drop near duplicates found by MinHash-LSH (near_duplicate)") @Default("true") boolean near,
        @Doc("words per shingle") @Default("5") @Range(min = 1, max = 50) int shingleSize,
        @Doc("LSH bands; pairs sharing a band are candidates") @Default("14") @Range(min = 1, max = 1000) int bands,
        @Doc("MinHash rows per band; bands × rows hash functions in all") @Default("8") @Range(min = 1, max = 100)
        int rows,
        @Doc("keep only candidate pairs whose estimated Jaccard similarity (equal signature entries) reaches this; "
                + "0 accepts every pair that shares a band") @Default("0") @Range(min = 0, max = 1) double minSimilarity,
        @Doc("rounds of label propagation allowed for the clusters to settle") @Default("50") @Range(min = 1)
        int maxIterations) implements StageConfig {

    /** The stage under its own name, reading the stage listed before it. */
    public DedupConfig(boolean exact, boolean near, int shingleSize, int bands, int rows, double minSimilarity, int maxIterations) {
        this(Optional.empty(), List.of(), exact, near, shingleSize, bands, rows, minSimilarity, maxIterations);
    }

    public DedupConfig {
        if (!exact && !near) {
            throw new InvalidConfigValue("near", "exact and near are both off: the stage would do nothing");
        }
    }

    @Override
    public Stage build() {
        return new DedupStage(this);
    }
}
