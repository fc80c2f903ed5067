package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.pipeline.stage.Hashes;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * Tokenizes the inputs' documents once per (stage outputs, tokenizer) into {@code <mixtures>/_tokenized/<key>/}:
 * Parquet of {@link TokenizedDocument}s that every pretraining-style set of every build reads, so trying another
 * budget or mixture does not tokenize again. The folder is written aside and renamed into place, and its
 * {@code _tokenized.json} records what it was made from.
 */
final class Tokenization {

    static final int VERSION = 1;
    private static final String MARKER = "_tokenized.json";

    /** The tokenized documents and whether they came from an earlier build. */
    record Cached(Dataset<TokenizedDocument> documents, String path, boolean reused, long documentsCount,
                  long tokens, double seconds) {}

    private Tokenization() {}

    static Cached cached(SparkSession spark, String mixturesDir, MixtureInputs inputs, TokenizerSpec tokenizer,
                         PrintStream log) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String identity = Hashes.sha256("tokenized v" + VERSION + "\n" + inputs.fingerprint() + "\n"
                + tokenizer.fingerprint());
        Path root = new Path(mixturesDir, "_tokenized");
        Path dir = new Path(root, identity.substring("sha256:".length(), "sha256:".length() + 16));
        try {
            FileSystem fs = dir.getFileSystem(conf);
            Path marker = new Path(dir, MARKER);
            if (fs.exists(marker)) {
                JsonNode tree;
                try (InputStream in = fs.open(marker)) {
                    tree = ManifestJson.MAPPER.readTree(in);
                }
                if (identity.equals(tree.path("identity").asText())) {
                    log.printf("      tokens     reusing %s (%,d documents, %,d tokens)%n", dir,
                            tree.path("documents").asLong(), tree.path("tokens").asLong());
                    return new Cached(read(spark, dir), dir.toString(), true, tree.path("documents").asLong(),
                            tree.path("tokens").asLong(), tree.path("seconds").asDouble());
                }
            }
            long start = System.nanoTime();
            MixtureBuild.removeLeftovers(new Path(root, "_tmp-*"), conf);
            log.printf("      tokens     tokenizing %s with %s%n", inputs.location(), tokenizer.name());
            Path tmp = new Path(root, "_tmp-" + UUID.randomUUID());
            tokenize(spark, inputs, tokenizer).write().mode(SaveMode.ErrorIfExists)
                    .parquet(new Path(tmp, "data").toString());
            Dataset<TokenizedDocument> written = read(spark, tmp);
            Row totals = written.agg(org.apache.spark.sql.functions.count(col("id")),
                    org.apache.spark.sql.functions.sum(col("tokenCount"))).first();
            long documents = totals.getLong(0);
            long tokens = totals.isNullAt(1) ? 0 : totals.getLong(1);
            double seconds = (System.nanoTime() - start) / 1e9;
            ObjectNode tree = ManifestJson.MAPPER.createObjectNode();
            tree.put("format", "phi4j-tokenized");
            tree.put("version", VERSION);
            tree.put("identity", identity);
            tree.put("stage_dir", inputs.location());
            tree.put("tokenizer", tokenizer.name());
            tree.put("tokenizer_fingerprint", tokenizer.fingerprint());
            tree.put("documents", documents);
            tree.put("tokens", tokens);
            tree.put("seconds", seconds);
            ManifestJson.write(new Path(tmp, MARKER), tree, conf);
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
            if (!fs.rename(tmp, dir)) {
                throw new IOException("cannot rename " + tmp + " to " + dir);
            }
            log.printf(Locale.ROOT, "      tokens     %,d documents, %,d tokens in %.1f s (%,.0f tokens/s)%n",
                    documents, tokens, seconds, tokens / Math.max(seconds, 1e-9));
            return new Cached(read(spark, dir), dir.toString(), false, documents, tokens, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenized documents under " + root, e);
        }
    }

    private static Dataset<TokenizedDocument> read(SparkSession spark, Path dir) {
        return spark.read().parquet(new Path(dir, "data").toString()).as(Encoders.bean(TokenizedDocument.class));
    }

    /** The inputs' documents as token ids, partition by partition. */
    static Dataset<TokenizedDocument> tokenize(SparkSession spark, MixtureInputs inputs, TokenizerSpec spec) {
        Dataset<Row> documents = inputs.read(spark)
                .select(col("id"), col("source"), col("source_class"), col("origin_uri"), col("text"));
        int cores = spark.sparkContext().defaultParallelism();
        if (documents.rdd().getNumPartitions() < cores) {
            // Spark reads a stage's few small files as one split; tokenizing is the costly step, so spread it out.
            documents = documents.repartition(2 * cores);
        }
        return documents.mapPartitions((MapPartitionsFunction<Row, TokenizedDocument>) rows -> {
            Tokenizer tokenizer = spec.open();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public TokenizedDocument next() {
                    Row row = rows.next();
                    String sourceClass = row.getString(2);
                    return new TokenizedDocument(row.getString(0), row.getString(1), sourceClass,
                            DocumentBuckets.groupOf(sourceClass), row.getString(3), tokenizer.encode(row.getString(4)));
                }
            };
        }, Encoders.bean(TokenizedDocument.class));
    }
}
