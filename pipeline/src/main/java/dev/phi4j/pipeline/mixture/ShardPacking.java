package dev.phi4j.pipeline.mixture;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.apache.spark.sql.functions.col;

/**
 * The Spark half of packing: instances are range-partitioned by part and sorted by (part, key, id, copy) — the set's
 * global deterministic order — and each task packs the parts it received, one after another, into shard files. The
 * output of a part depends only on its sorted instances, so the same input gives the same shards on a laptop and on
 * a cluster, and a retried task rewrites the same file.
 */
final class ShardPacking {

    /** Builds the writer of one part. */
    interface WriterFactory extends Serializable {
        PartWriter create(ShardTarget target, String split, int shard) throws IOException;
    }

    private ShardPacking() {}

    /** The pack results (shard rows and index rows), persisted: the shards are written once. */
    static Dataset<PackResult> pack(Dataset<Instance> instances, ShardTarget target, WriterFactory factory) {
        int parts = Math.max(1, target.layout().total());
        return instances.repartitionByRange(parts, col("part"))
                .sortWithinPartitions(col("part"), col("key"), col("id"), col("copy"))
                .mapPartitions((MapPartitionsFunction<Instance, PackResult>) sorted ->
                        new Parts(sorted, target, factory), Encoders.bean(PackResult.class))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** Packs the sorted instances of a partition part by part, lazily. */
    private static final class Parts implements Iterator<PackResult> {

        private final Iterator<Instance> sorted;
        private final ShardTarget target;
        private final WriterFactory factory;
        private Instance peeked;
        private Iterator<PackResult> current = Collections.emptyIterator();

        Parts(Iterator<Instance> sorted, ShardTarget target, WriterFactory factory) {
            this.sorted = sorted;
            this.target = target;
            this.factory = factory;
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && (peeked != null || sorted.hasNext())) {
                current = packNextPart().iterator();
            }
            return current.hasNext();
        }

        @Override
        public PackResult next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }

        private List<PackResult> packNextPart() {
            Instance first = peeked != null ? peeked : sorted.next();
            peeked = null;
            PartLayout.Target where = target.layout().target(first.getPart());
            try {
                PartWriter writer = factory.create(target, where.split(), where.shard());
                writer.add(first);
                while (sorted.hasNext()) {
                    Instance next = sorted.next();
                    if (next.getPart() != first.getPart()) {
                        peeked = next;
                        break;
                    }
                    writer.add(next);
                }
                return writer.finish();
            } catch (IOException e) {
                throw new UncheckedIOException("packing " + where.split() + " shard " + where.shard(), e);
            }
        }
    }
}
