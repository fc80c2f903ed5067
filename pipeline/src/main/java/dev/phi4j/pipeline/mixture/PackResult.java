package dev.phi4j.pipeline.mixture;

import java.io.Serializable;

/**
 * What packing one part yields: one {@code shard} row describing the shard file written (its manifest entry and
 * counts), and, when the set keeps a sequence index, one {@code row} row per packed sequence naming the records in
 * it. A JavaBean so Spark can collect the shard rows and write the index rows as Parquet.
 */
public final class PackResult implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String SHARD = "shard";
    static final String ROW = "row";

    private String kind;
    private String split;
    private String file;
    private long row;
    private String[] ids;
    private int[] copies;
    private int[] documentStarts;
    private long sequences;
    private long tokens;
    private String sha256;
    private long[] bucketTokens;
    private long[] bucketInstances;
    private long lossTokens;
    private long paddingTokens;
    private long droppedTokens;
    private String samplesJson;

    public PackResult() {}

    static PackResult row(String split, String file, long row, String[] ids, int[] copies, int[] starts) {
        PackResult result = new PackResult();
        result.kind = ROW;
        result.split = split;
        result.file = file;
        result.row = row;
        result.ids = ids;
        result.copies = copies;
        result.documentStarts = starts;
        return result;
    }

    public String getKind() { return kind; }

    public void setKind(String kind) { this.kind = kind; }

    public String getSplit() { return split; }

    public void setSplit(String split) { this.split = split; }

    /** The shard file's name inside the shard folder. */
    public String getFile() { return file; }

    public void setFile(String file) { this.file = file; }

    /** Row: its index inside the shard file. */
    public long getRow() { return row; }

    public void setRow(long row) { this.row = row; }

    /** Row: ids of the records in it, one per document start. */
    public String[] getIds() { return ids; }

    public void setIds(String[] ids) { this.ids = ids; }

    /** Row: which copy of each record (the epoch it belongs to). */
    public int[] getCopies() { return copies; }

    public void setCopies(int[] copies) { this.copies = copies; }

    public int[] getDocumentStarts() { return documentStarts; }

    public void setDocumentStarts(int[] documentStarts) { this.documentStarts = documentStarts; }

    /** Shard: rows written. */
    public long getSequences() { return sequences; }

    public void setSequences(long sequences) { this.sequences = sequences; }

    /** Shard: tokens stored, rows × (seq_len + 1). */
    public long getTokens() { return tokens; }

    public void setTokens(long tokens) { this.tokens = tokens; }

    public String getSha256() { return sha256; }

    public void setSha256(String sha256) { this.sha256 = sha256; }

    /** Shard: stream tokens written per plan bucket (pretraining) or tokens per kind (post-training). */
    public long[] getBucketTokens() { return bucketTokens; }

    public void setBucketTokens(long[] bucketTokens) { this.bucketTokens = bucketTokens; }

    /** Shard: instances (document copies, conversations, pairs) that reached the shard, per bucket. */
    public long[] getBucketInstances() { return bucketInstances; }

    public void setBucketInstances(long[] bucketInstances) { this.bucketInstances = bucketInstances; }

    /** Shard: positions whose loss mask is set (masked sets only). */
    public long getLossTokens() { return lossTokens; }

    public void setLossTokens(long lossTokens) { this.lossTokens = lossTokens; }

    public long getPaddingTokens() { return paddingTokens; }

    public void setPaddingTokens(long paddingTokens) { this.paddingTokens = paddingTokens; }

    /** Shard: tokens of the incomplete last row, not written. */
    public long getDroppedTokens() { return droppedTokens; }

    public void setDroppedTokens(long droppedTokens) { this.droppedTokens = droppedTokens; }

    /** Shard: the first rows decoded, as JSON, for the report's sample browser. */
    public String getSamplesJson() { return samplesJson; }

    public void setSamplesJson(String samplesJson) { this.samplesJson = samplesJson; }
}
