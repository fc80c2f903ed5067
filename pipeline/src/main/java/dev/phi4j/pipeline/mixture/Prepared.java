package dev.phi4j.pipeline.mixture;

import java.io.Serializable;

/**
 * A post-training record read and tokenized, or the reason it was dropped (malformed, too long for a row, nothing
 * to train on), with where it came from.
 */
public final class Prepared implements Serializable {

    private static final long serialVersionUID = 1L;

    private String reason;
    private String detail;
    private String id;
    private String location;
    private boolean heldOut;
    private double key;
    private int bucket;
    private int[] tokens;
    private boolean[] mask;
    private int[] chosen;
    private int[] rejected;
    private long lossTokens;

    public Prepared() {}

    static Prepared dropped(String reason, String detail, String id, String location) {
        Prepared p = new Prepared();
        p.reason = reason;
        p.detail = detail;
        p.id = id;
        p.location = location;
        return p;
    }

    /** Null for a kept record; else a snake_case reason such as {@code too_long}. */
    public String getReason() { return reason; }

    public void setReason(String reason) { this.reason = reason; }

    public String getDetail() { return detail; }

    public void setDetail(String detail) { this.detail = detail; }

    public String getId() { return id; }

    public void setId(String id) { this.id = id; }

    /** The file the record was read from. */
    public String getLocation() { return location; }

    public void setLocation(String location) { this.location = location; }

    public boolean isHeldOut() { return heldOut; }

    public void setHeldOut(boolean heldOut) { this.heldOut = heldOut; }

    public double getKey() { return key; }

    public void setKey(double key) { this.key = key; }

    /** SFT: 0; DPO: the {@link dev.phi4j.core.schema.PreferenceKind} ordinal. */
    public int getBucket() { return bucket; }

    public void setBucket(int bucket) { this.bucket = bucket; }

    public int[] getTokens() { return tokens; }

    public void setTokens(int[] tokens) { this.tokens = tokens; }

    public boolean[] getMask() { return mask; }

    public void setMask(boolean[] mask) { this.mask = mask; }

    public int[] getChosen() { return chosen; }

    public void setChosen(int[] chosen) { this.chosen = chosen; }

    public int[] getRejected() { return rejected; }

    public void setRejected(int[] rejected) { this.rejected = rejected; }

    /** Tokens inside the loss (SFT: the assistant turns; DPO: both continuations). */
    public long getLossTokens() { return lossTokens; }

    public void setLossTokens(long lossTokens) { this.lossTokens = lossTokens; }

    /** Tokens the record takes in rows: the conversation, or prompt + chosen + prompt + rejected. */
    long rowTokens() {
        return chosen == null ? tokens.length : 2L * tokens.length + chosen.length + rejected.length;
    }

    Instance instance(int part) {
        Instance instance = Instance.of(part, key, id, 0, bucket, tokens);
        instance.setMask(mask);
        instance.setChosen(chosen);
        instance.setRejected(rejected);
        return instance;
    }
}
