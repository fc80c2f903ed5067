package dev.phi4j.pipeline.dedup;

import dev.phi4j.core.schema.Document;
import dev.phi4j.pipeline.stage.Stage;
import dev.phi4j.pipeline.stage.StageContext;
import dev.phi4j.pipeline.stage.StageRows;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.*;

/**
 * Drops exact duplicates, then near duplicates among what is left. A dropped row names its cluster's kept
 * document in {@code metadata["dedup.duplicate_of"]}; the manifest gets the cluster-size histograms, the largest
 * clusters and the duplicate rate of each source (of each template for synthetic documents, source
 * {@code synth/TEMPLATE}).
 */
public final class DedupStage implements Stage {

    public static final String DUPLICATE_OF = "dedup.duplicate_of";
    public static final String EXACT = "exact_duplicate";
    public static final String NEAR = "near_duplicate";

    /** How many documents, in how many clusters, were found duplicated; sizes count the kept document too. */
    public record Clusters(String kind, long clusters, long duplicates, Map<String, Long> sizeHistogram,
                           List<Cluster> largest) {}

    public record Cluster(String keptId, long size, String keptOriginUri, String keptExcerpt) {}

    /**
     * Duplicates among one source's documents: those dropped as copies of a kept document, of any source, over all
     * the documents of the source the stage read.
     */
    public record SourceDuplicates(String source, long documents, long exactDuplicates, long nearDuplicates,
                                   double duplicateRate) {}

    /** What the LSH search did: its parameters, candidate pairs and label-propagation rounds. */
    public record Search(int shingleSize, int bands, int rows, double threshold, long candidatePairs,
                         long verifiedPairs, int iterations) {}

    private final DedupConfig config;
    /** Datasets persisted while marking, released once the framework has persisted the output. */
    private final List<Dataset<Row>> persisted = new ArrayList<>();

    DedupStage(DedupConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "dedup";
    }

    @Override
    public Class<Document> reads() {
        return Document.class;
    }

    @Override
    public Class<Document> writes() {
        return Document.class;
    }

    @Override
    public Dataset<Row> apply(Dataset<Row> in, StageContext context) {
        Dataset<Row> docs = StageRows.withReason(in);
        if (config.exact()) {
            docs = markExact(docs);
        }
        if (config.near()) {
            docs = markNear(docs, context);
        }
        return docs;
    }

    /** Exact duplicates: the same hash of lower-cased, space-collapsed text; the smallest id stays. */
    private static Dataset<Row> markExact(Dataset<Row> docs) {
        Column key = sha2(regexp_replace(lower(trim(col("text"))), "\\s+", " "), 256);
        WindowSpec sameText = Window.partitionBy(col("_key"));
        Dataset<Row> keyed = docs.withColumn("_key", key).withColumn("_keep", min(col("id")).over(sameText));
        return markDuplicates(keyed, col("id").notEqual(col("_keep")), EXACT);
    }

    private Dataset<Row> markNear(Dataset<Row> docs, StageContext context) {
        MinHasher hasher = new MinHasher(config.shingleSize(), config.bands(), config.rows(), context.seed());
        UDF1<String, long[]> signature = hasher::signature;
        context.spark().udf().register("phi4j_minhash", signature,
                DataTypes.createArrayType(DataTypes.LongType, false));
        UDF1<scala.collection.Seq<Long>, long[]> bands = values -> hasher.bandHashes(toArray(values));
        context.spark().udf().register("phi4j_lsh_bands", bands, DataTypes.createArrayType(DataTypes.LongType, false));

        Dataset<Row> marked = keep(docs.persist(StorageLevel.MEMORY_AND_DISK()));
        Dataset<Row> signatures = keep(marked.filter(col(DROP_REASON).isNull())
                .select(col("id"), callUDF("phi4j_minhash", col("text")).as("sig"))
                .persist(StorageLevel.MEMORY_AND_DISK()));
        Dataset<Row> buckets = signatures
                .select(col("id"), posexplode(callUDF("phi4j_lsh_bands", col("sig"))).as(new String[] {"band", "hash"}))
                .withColumn("_min", min(col("id")).over(Window.partitionBy(col("band"), col("hash"))));
        Dataset<Row> edges = buckets.filter(col("id").notEqual(col("_min")))
                .select(col("id").as("src"), col("_min").as("dst")).distinct();
        long candidates = -1;
        if (config.minSimilarity() > 0) {
            double minimum = config.minSimilarity();
            UDF2<scala.collection.Seq<Long>, scala.collection.Seq<Long>, Boolean> similar = (x, y) ->
                    MinHasher.similarity(toArray(x), toArray(y)) >= minimum;
            context.spark().udf().register("phi4j_similar", similar, DataTypes.BooleanType);
            edges = keep(edges.persist(StorageLevel.MEMORY_AND_DISK()));
            candidates = edges.count();
            edges = edges.join(signatures.select(col("id").as("src"), col("sig").as("src_sig")), "src")
                    .join(signatures.select(col("id").as("dst"), col("sig").as("dst_sig")), "dst")
                    .filter(callUDF("phi4j_similar", col("src_sig"), col("dst_sig")))
                    .select("src", "dst");
        }
        Components.Result components = Components.of(edges, config.maxIterations());
        long verified = components.edges();
        context.report("dedup.search", new Search(config.shingleSize(), config.bands(), config.rows(),
                hasher.threshold(), candidates < 0 ? verified : candidates, verified, components.iterations()));
        Dataset<Row> labelled = marked.join(components.labels(), marked.col("id").equalTo(col("node")),
                "left_outer").drop("node");
        Column duplicate = col(DROP_REASON).isNull().and(col("_keep").isNotNull())
                .and(col("_keep").notEqual(col("id")));
        return markDuplicates(labelled.withColumnRenamed("label", "_keep"), duplicate, NEAR);
    }

    private Dataset<Row> keep(Dataset<Row> dataset) {
        persisted.add(dataset);
        return dataset;
    }

    /** Sets {@code reason} and {@code dedup.duplicate_of} where {@code duplicate} holds; drops helper columns. */
    private static Dataset<Row> markDuplicates(Dataset<Row> rows, Column duplicate, String reason) {
        Column metadata = when(duplicate, map_concat(col("metadata"), map(lit(DUPLICATE_OF), col("_keep"))))
                .otherwise(col("metadata"));
        return rows.withColumn("metadata", metadata)
                .withColumn(DROP_REASON, when(duplicate, lit(reason)).otherwise(col(DROP_REASON)))
                .select(StageRows.documentColumnsAndReason());
    }

    private static long[] toArray(scala.collection.Seq<Long> values) {
        long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.apply(i);
        }
        return array;
    }

    @Override
    public void summarize(Dataset<Row> output, StageContext context) {
        Dataset<Row> dropped = output.filter(col(DROP_REASON).isin(EXACT, NEAR))
                .groupBy(col(DROP_REASON), col("metadata").getItem(DUPLICATE_OF).as("kept"))
                .agg(count(lit(1)).plus(1).as("size"))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Clusters> clusters = new LinkedHashMap<>();
        for (String kind : List.of(EXACT, NEAR)) {
            Dataset<Row> ofKind = dropped.filter(col(DROP_REASON).equalTo(kind));
            Map<String, Long> histogram = new TreeMap<>(java.util.Comparator.comparingLong(DedupStage::bucketStart));
            long clusterCount = 0;
            long duplicates = 0;
            for (Row row : ofKind.groupBy(col("size")).count().collectAsList()) {
                long size = row.getLong(0);
                histogram.merge(bucket(size), row.getLong(1), Long::sum);
                clusterCount += row.getLong(1);
                duplicates += (size - 1) * row.getLong(1);
            }
            List<Row> largest = ofKind.orderBy(col("size").desc(), col("kept")).limit(5)
                    .join(output.select(col("id").as("kept"), col("origin_uri"), col("text")), "kept")
                    .orderBy(col("size").desc(), col("kept")).collectAsList();
            List<Cluster> top = new ArrayList<>();
            for (Row row : largest) {
                String text = row.getString(row.fieldIndex("text"));
                top.add(new Cluster(row.getString(row.fieldIndex("kept")), row.getLong(row.fieldIndex("size")),
                        row.getString(row.fieldIndex("origin_uri")), StageRows.excerpt(text, 200)));
            }
            clusters.put(kind, new Clusters(kind, clusterCount, duplicates, histogram, top));
        }
        dropped.unpersist();
        persisted.forEach(Dataset::unpersist);
        persisted.clear();
        context.report("dedup.clusters", clusters);
        context.report("dedup.by_source", bySource(output));
    }

    /** {@code dedup.by_source}: documents and duplicates per source, the highest duplicate rate first. */
    static List<SourceDuplicates> bySource(Dataset<Row> output) {
        List<SourceDuplicates> sources = new ArrayList<>();
        for (Row row : output.groupBy(col("source"))
                .agg(count(lit(1)), count(when(col(DROP_REASON).equalTo(EXACT), true)),
                        count(when(col(DROP_REASON).equalTo(NEAR), true)))
                .collectAsList()) {
            long documents = row.getLong(1);
            long exact = row.getLong(2);
            long near = row.getLong(3);
            sources.add(new SourceDuplicates(row.getString(0), documents, exact, near,
                    (double) (exact + near) / documents));
        }
        sources.sort(java.util.Comparator.comparingDouble(SourceDuplicates::duplicateRate).reversed()
                .thenComparing(SourceDuplicates::source));
        return sources;
    }

    /** Cluster sizes as 2, 3, 4, 5–8, 9–16, …: exact for small clusters, powers of two beyond. */
    static String bucket(long size) {
        if (size <= 4) {
            return Long.toString(size);
        }
        long upper = Long.highestOneBit(size - 1) << 1;
        return (upper / 2 + 1) + "-" + upper;
    }

    private static long bucketStart(String bucket) {
        return Long.parseLong(bucket.split("-")[0]);
    }
}
