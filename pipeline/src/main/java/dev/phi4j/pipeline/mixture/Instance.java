package dev.phi4j.pipeline.mixture;

import java.io.Serializable;

/**
 * One occurrence of a record in a set: a copy of a document (pretraining repeats documents across epochs), a
 * conversation or a preference pair, with the part (shard) it goes to and its place there. Sorting by
 * (part, key, id, copy) is the set's global deterministic order.
 */
public final class Instance implements Serializable {

    private static final long serialVersionUID = 1L;

    private int part;
    private double key;
    private String id;
    private int copy;
    private int bucket;
    private int[] tokens;
    private boolean[] mask;
    private int[] chosen;
    private int[] rejected;

    public Instance() {}

    static Instance of(int part, double key, String id, int copy, int bucket, int[] tokens) {
        Instance instance = new Instance();
        instance.part = part;
        instance.key = key;
        instance.id = id;
        instance.copy = copy;
        instance.bucket = bucket;
        instance.tokens = tokens;
        return instance;
    }

    /** Index of the shard this instance is packed into; see {@link PartLayout}. */
    public int getPart() { return part; }

    public void setPart(int part) { this.part = part; }

    /** Position in [0, 1) within the set's order. */
    public double getKey() { return key; }

    public void setKey(double key) { this.key = key; }

    /** The document, conversation or pair id. */
    public String getId() { return id; }

    public void setId(String id) { this.id = id; }

    /** Which copy of the document (0 for the first epoch). */
    public int getCopy() { return copy; }

    public void setCopy(int copy) { this.copy = copy; }

    /** Index of the plan's bucket the copy counts towards. */
    public int getBucket() { return bucket; }

    public void setBucket(int bucket) { this.bucket = bucket; }

    /** Document tokens; the conversation (SFT); the prompt (DPO). */
    public int[] getTokens() { return tokens; }

    public void setTokens(int[] tokens) { this.tokens = tokens; }

    /** SFT: per token, whether it is trained on. */
    public boolean[] getMask() { return mask; }

    public void setMask(boolean[] mask) { this.mask = mask; }

    /** DPO: the preferred continuation's tokens. */
    public int[] getChosen() { return chosen; }

    public void setChosen(int[] chosen) { this.chosen = chosen; }

    /** DPO: the dispreferred continuation's tokens. */
    public int[] getRejected() { return rejected; }

    public void setRejected(int[] rejected) { this.rejected = rejected; }
}
