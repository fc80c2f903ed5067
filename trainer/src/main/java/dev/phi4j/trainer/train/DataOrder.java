package dev.phi4j.trainer.train;

import java.util.Random;

/**
 * The order training sequences are visited in, a pure function of the run seed: epoch e is a Fisher-Yates
 * permutation of all rows drawn from {@code java.util.Random(seed, e)} (or shard order without shuffling). The data
 * position is one number, how many sequences have been drawn, so a checkpoint stores it and a resumed run draws the
 * very same sequences next.
 */
final class DataOrder {

    private final int rows;
    private final long seed;
    private final boolean shuffle;
    private long cachedEpoch = -1;
    private int[] permutation;

    DataOrder(long rows, long seed, boolean shuffle) {
        if (rows < 1 || rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the training split has " + rows + " sequences; need 1.."
                    + Integer.MAX_VALUE);
        }
        this.rows = (int) rows;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    /** The row index drawn at data position {@code position} (0-based, across epochs). */
    long rowAt(long position) {
        long epoch = position / rows;
        int offset = (int) (position % rows);
        if (!shuffle) {
            return offset;
        }
        if (epoch != cachedEpoch) {
            permutation = permutation(epoch);
            cachedEpoch = epoch;
        }
        return permutation[offset];
    }

    private int[] permutation(long epoch) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
