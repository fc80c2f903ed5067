package dev.phi4j.core.shard;

/**
 * The names a shard set's writers and readers agree on: the splits every trainer reads and how a split's files are
 * named. Post-training sets add splits of their own ({@code chosen}, {@code validation_rejected}, …).
 */
public final class ShardNames {

    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";

    private ShardNames() {}

    /** {@code train-00000.bin}: the {@code index}-th file of {@code split}. */
    public static String file(String split, int index) {
        return String.format("%s-%05d.bin", split, index);
    }
}
