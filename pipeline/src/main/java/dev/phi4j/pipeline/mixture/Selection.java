package dev.phi4j.pipeline.mixture;

import dev.phi4j.core.shard.ShardNames;

import java.io.Serializable;

/**
 * The per-document decisions of a pretraining-style set, all derived from hashes of the document id: whether it is
 * held out for validation (independent of the seed, so every mixture of a corpus holds out the same documents), its
 * hash bins in each bucket, how many copies it gets, and where each copy goes in the set's order.
 *
 * <p>Copy k of a document in a bucket with e epochs is placed at {@code (k + u) / e} for a hash u in [0, 1): the
 * k-th epoch's copies fall in the k-th 1/e of the run, so repeats of a document are spread across training rather
 * than bunched, and every bucket is spread evenly over the whole order (the mixture holds at every point of the run,
 * not just on average). The extra copy of the fractional epoch lands in the last, partial stretch.
 */
final class Selection implements Serializable {

    /** Receives one placed copy. */
    interface Sink {
        void accept(String split, int bucket, int copy, double key);
    }

    private static final long HOLD_OUT_SALT = Hash64.salt(0x5EED_0F_7E57L, "validation hold-out");

    private final DocumentBuckets buckets;
    private final MixturePlan plan;
    private final double validationFraction;
    private final long[] extraSalt;
    private final long[] validationSalt;
    private final long[] copySalt;
    private final long orderSalt;

    Selection(DocumentBuckets buckets, MixturePlan plan, double validationFraction, long seed) {
        this.buckets = buckets;
        this.plan = plan;
        this.validationFraction = validationFraction;
        int n = buckets.size();
        this.extraSalt = new long[n];
        this.validationSalt = new long[n];
        this.copySalt = new long[n];
        for (int b = 0; b < n; b++) {
            extraSalt[b] = Hash64.salt(seed, "extra copy:" + buckets.names().get(b));
            validationSalt[b] = Hash64.salt(seed, "validation pick:" + buckets.names().get(b));
            copySalt[b] = Hash64.salt(seed, "copy order:" + buckets.names().get(b));
        }
        this.orderSalt = Hash64.salt(seed, "validation order");
    }

    /** Stats before planning need the bins but no plan. */
    static Selection unplanned(DocumentBuckets buckets, double validationFraction, long seed) {
        return new Selection(buckets, null, validationFraction, seed);
    }

    DocumentBuckets buckets() {
        return buckets;
    }

    boolean heldOut(String id) {
        return Hash64.unit(HOLD_OUT_SALT, id) < validationFraction;
    }

    int extraBin(int bucket, String id) {
        return bin(extraSalt[bucket], id);
    }

    int validationBin(int bucket, String id) {
        return bin(validationSalt[bucket], id);
    }

    private static int bin(long salt, String id) {
        return Math.min(MixturePlan.BINS - 1, (int) (Hash64.unit(salt, id) * MixturePlan.BINS));
    }

    /** Places every copy of a non-empty document; returns how many there are. */
    int place(String id, String group, String sourceClass, int tokens, Sink sink) {
        boolean heldOut = heldOut(id);
        int placed = 0;
        for (int b : buckets.of(group, sourceClass, tokens)) {
            MixturePlan.Bucket bucket = plan.buckets().get(b);
            if (bucket.effectiveShare() <= 0) {
                continue;
            }
            if (heldOut) {
                if (validationBin(b, id) < bucket.validationBins()) {
                    sink.accept(ShardNames.VALIDATION, b, 0, Hash64.unit(orderSalt, id));
                    placed++;
                }
                continue;
            }
            int full = bucket.fullCopies();
            boolean extra = extraBin(b, id) < bucket.extraBins();
            double epochs = bucket.epochs();
            for (int k = 0; k < full + (extra ? 1 : 0); k++) {
                double u = Hash64.unit(copySalt[b], id + "#" + k);
                double key = k < full ? (k + u) / epochs : (full + u * (epochs - full)) / epochs;
                sink.accept(ShardNames.TRAIN, b, k, Math.min(key, Math.nextDown(1.0)));
                placed++;
            }
        }
        return placed;
    }
}
