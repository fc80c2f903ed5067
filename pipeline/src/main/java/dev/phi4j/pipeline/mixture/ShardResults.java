package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.phi4j.core.io.Sha256;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.pipeline.stage.ManifestJson;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SaveMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * Collects what the packing tasks wrote: the shard rows become the shard set's {@code manifest.json} (the core.shard
 * format the trainer's {@code ShardSet} reads) and the index rows the {@code sequences/} Parquet table.
 */
final class ShardResults {

    private final List<PackResult> shards;
    private final ShardManifest manifest;
    private final String manifestSha256;

    private ShardResults(List<PackResult> shards, ShardManifest manifest, String manifestSha256) {
        this.shards = shards;
        this.manifest = manifest;
        this.manifestSha256 = manifestSha256;
    }

    /** Collects the shard rows, writes the index (when kept) and the shard manifest, then unpersists. */
    static ShardResults collect(Dataset<PackResult> packed, SetContext context, int seqLen, boolean lossMask,
                                boolean sequenceIndex, Map<String, String> metadata, List<String> splitOrder) {
        try {
            List<PackResult> shards = new ArrayList<>(packed.filter(col("kind").equalTo(PackResult.SHARD))
                    .collectAsList());
            if (sequenceIndex) {
                packed.filter(col("kind").equalTo(PackResult.ROW))
                        .select(col("split"), col("file"), col("row"), col("ids"), col("copies"),
                                col("documentStarts").as("document_starts"))
                        .write().mode(SaveMode.ErrorIfExists).parquet(context.sequencesDir().toString());
            }
            shards.sort(Comparator.comparing(PackResult::getSplit).thenComparing(r -> r.getFile() == null ? ""
                    : r.getFile()));
            Map<String, List<ShardManifest.ShardFile>> splits = new LinkedHashMap<>();
            for (String split : splitOrder) {
                List<ShardManifest.ShardFile> files = shards.stream()
                        .filter(s -> s.getSplit().equals(split) && s.getFile() != null)
                        .map(s -> new ShardManifest.ShardFile(s.getFile(), s.getSequences(), s.getTokens(),
                                s.getSha256()))
                        .toList();
                if (!files.isEmpty()) {
                    splits.put(split, files);
                }
            }
            TokenizerSpec tokenizer = context.tokenizer();
            ShardManifest manifest = new ShardManifest(seqLen, tokenizer.vocabSize(),
                    ShardManifest.TokenType.forVocabulary(tokenizer.vocabSize()), lossMask, tokenizer.name(),
                    tokenizer.fingerprint(), metadata, splits);
            String json = manifest.toJson();
            Path file = new Path(context.shardDir(), ShardManifest.FILE_NAME);
            FileSystem fs = file.getFileSystem(context.conf());
            fs.mkdirs(context.shardDir());
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
            return new ShardResults(shards, manifest, Sha256.tagged(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shard manifest in " + context.shardDir(), e);
        } finally {
            packed.unpersist();
        }
    }

    ShardManifest manifest() {
        return manifest;
    }

    /** Stream tokens written per bucket into the shards of {@code split}. */
    long[] bucketTokens(String split, int buckets) {
        long[] total = new long[buckets];
        for (PackResult shard : shards) {
            if (shard.getSplit().equals(split)) {
                for (int b = 0; b < buckets; b++) {
                    total[b] += shard.getBucketTokens()[b];
                }
            }
        }
        return total;
    }

    long[] bucketInstances(String split, int buckets) {
        long[] total = new long[buckets];
        for (PackResult shard : shards) {
            if (shard.getSplit().equals(split)) {
                for (int b = 0; b < buckets; b++) {
                    total[b] += shard.getBucketInstances()[b];
                }
            }
        }
        return total;
    }

    /** Per split: files, rows, tokens, loss and padding tokens, dropped tails. */
    MixtureManifest.Shards summary(int seqLen, boolean lossMask) {
        Map<String, MixtureManifest.SplitInfo> splits = new LinkedHashMap<>();
        Map<String, long[]> totals = new LinkedHashMap<>();
        for (PackResult shard : shards) {
            long[] t = totals.computeIfAbsent(shard.getSplit(), s -> new long[6]);
            t[0] += shard.getFile() == null ? 0 : 1;
            t[1] += shard.getSequences();
            t[2] += shard.getTokens();
            t[3] += shard.getLossTokens();
            t[4] += shard.getPaddingTokens();
            t[5] += shard.getDroppedTokens();
        }
        totals.forEach((split, t) -> splits.put(split, new MixtureManifest.SplitInfo(t[0], t[1], t[2], t[3], t[4],
                t[5])));
        return new MixtureManifest.Shards(MixtureBuild.SHARDS, seqLen,
                manifest.tokenType().name().toLowerCase(java.util.Locale.ROOT), lossMask, splits, manifestSha256);
    }

    /** The sample rows the first shard of each split decoded, as one JSON list. */
    ArrayNode samples() {
        ArrayNode all = ManifestJson.MAPPER.createArrayNode();
        for (PackResult shard : shards) {
            if (shard.getSamplesJson() == null) {
                continue;
            }
            try {
                for (JsonNode sample : ManifestJson.MAPPER.readTree(shard.getSamplesJson())) {
                    all.add(sample);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }
}
