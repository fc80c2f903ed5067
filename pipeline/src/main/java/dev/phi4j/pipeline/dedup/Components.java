package dev.phi4j.pipeline.dedup;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.min;

/**
 * Connected components of an undirected graph given as edges, by min-label propagation on Spark: every node starts
 * with its own id and takes the smallest label among itself and its neighbours until no label changes. Each
 * component ends labelled with its smallest id. The LSH edges join every document to the smallest id of each
 * bucket it falls in, so components have a small diameter and few rounds suffice. Nothing is collected.
 */
final class Components {

    /** Node → label (its component's smallest id), for nodes with at least one edge. */
    record Result(Dataset<Row> labels, long edges, int iterations) {}

    private Components() {}

    static Result of(Dataset<Row> edges, int maxIterations) {
        Dataset<Row> undirected = edges.select(col("src"), col("dst"))
                .union(edges.select(col("dst").as("src"), col("src").as("dst")))
                .distinct().persist(StorageLevel.MEMORY_AND_DISK());
        long edgeCount = undirected.count() / 2;
        Dataset<Row> labels = undirected.groupBy(col("src").as("node"))
                .agg(least(min(col("dst")), col("src")).as("label")).localCheckpoint();
        int iterations = 1;
        while (true) {
            Dataset<Row> next = undirected.join(labels.select(col("node").as("dst"), col("label").as("neighbour")),
                            "dst")
                    .groupBy(col("src").as("node")).agg(min(col("neighbour")).as("neighbour"))
                    .join(labels, "node")
                    .select(col("node"), least(col("label"), col("neighbour")).as("label"))
                    .localCheckpoint();
            long changed = next.join(labels.withColumnRenamed("label", "before"), "node")
                    .filter(col("label").notEqual(col("before"))).count();
            labels = next;
            iterations++;
            if (changed == 0) {
                break;
            }
            if (iterations >= maxIterations) {
                throw new IllegalStateException("duplicate clusters did not settle in " + maxIterations
                        + " rounds of label propagation; raise dedup max_iterations");
            }
        }
        undirected.unpersist();
        return new Result(labels, edgeCount, iterations);
    }
}
