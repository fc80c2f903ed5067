package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.io.BuildCache;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.tokenizer.Tokenizer;
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
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * Tokenizes the inputs' documents once per (stage outputs, tokenizer) into {@code <mixtures>/_tokenized/<key>/}:
 * Parquet of {@link TokenizedDocument}s that every pretraining-style set of every build reads, so trying another
 * budget or mixture does not tokenize again. The folder is a {@link BuildCache} build: written aside, renamed into
 * place, and its {@code _tokenized.json} records what it was made from.
 */
final class Tokenization {

    static final int VERSION = 1;
    /** {@code _tokenized.json}: what the documents were made from, with their counts. */
    private static final BuildCache.Marker<JsonNode> MARKER = new BuildCache.Marker<>() {
        private static final String FILE = "_tokenized.json";

        @Override
        public Optional<JsonNode> read(Path dir, Configuration conf) throws IOException {
            Path file = new Path(dir, FILE);
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(file)) {
                return Optional.of(ManifestJson.MAPPER.readTree(in));
            }
        }

        @Override
        public String identity(JsonNode tree) {
            return tree.path("identity").asText();
        }

        @Override
        public void write(Path dir, JsonNode tree, Configuration conf) {
            ManifestJson.write(new Path(dir, FILE), tree, conf);
        }
    };

    /** The tokenized documents and whether they came from an earlier build. */
    record Cached(Dataset<TokenizedDocument> documents, String path, boolean reused, long documentsCount,
                  long tokens, double seconds) {}

    private Tokenization() {}

    static Cached cached(SparkSession spark, String mixturesDir, MixtureInputs inputs, TokenizerSpec tokenizer,
                         PrintStream log) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String identity = Sha256.tagged("tokenized v" + VERSION + "\n" + inputs.fingerprint() + "\n"
                + tokenizer.fingerprint());
        Path root = new Path(mixturesDir, "_tokenized");
        Path dir = new Path(root, identity.substring(Sha256.PREFIX.length(), Sha256.PREFIX.length() + 16));
        try {
            BuildCache.Outcome<JsonNode> outcome = BuildCache.reuseOrBuild(dir, identity, MARKER, conf,
                    (tmp, outdated) -> tokenizeInto(tmp, spark, inputs, tokenizer, identity, log));
            JsonNode tree = outcome.record();
            long documents = tree.path("documents").asLong();
            long tokens = tree.path("tokens").asLong();
            double seconds = tree.path("seconds").asDouble();
            if (outcome.reused()) {
                log.printf("      tokens     reusing %s (%,d documents, %,d tokens)%n", dir, documents, tokens);
            } else {
                log.printf(Locale.ROOT, "      tokens     %,d documents, %,d tokens in %.1f s (%,.0f tokens/s)%n",
                        documents, tokens, seconds, tokens / Math.max(seconds, 1e-9));
            }
            return new Cached(read(spark, dir), dir.toString(), outcome.reused(), documents, tokens, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenized documents under " + root, e);
        }
    }

    /** Writes the inputs' documents as token ids into {@code tmp/data} and returns the marker's content. */
    private static JsonNode tokenizeInto(Path tmp, SparkSession spark, MixtureInputs inputs, TokenizerSpec tokenizer,
                                         String identity, PrintStream log) {
        long start = System.nanoTime();
        log.printf("      tokens     tokenizing %s with %s%n", inputs.location(), tokenizer.name());
        tokenize(spark, inputs, tokenizer).write().mode(SaveMode.ErrorIfExists)
                .parquet(new Path(tmp, "data").toString());
        Row totals = read(spark, tmp).agg(org.apache.spark.sql.functions.count(col("id")),
                org.apache.spark.sql.functions.sum(col("tokenCount"))).first();
        ObjectNode tree = ManifestJson.MAPPER.createObjectNode();
        tree.put("format", "phi4j-tokenized");
        tree.put("version", VERSION);
        tree.put("identity", identity);
        tree.put("stage_dir", inputs.location());
        tree.put("tokenizer", tokenizer.name());
        tree.put("tokenizer_fingerprint", tokenizer.fingerprint());
        tree.put("documents", totals.getLong(0));
        tree.put("tokens", totals.isNullAt(1) ? 0 : totals.getLong(1));
        tree.put("seconds", (System.nanoTime() - start) / 1e9);
        return tree;
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
