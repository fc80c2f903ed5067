package dev.phi4j.pipeline.mixture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phi4j.core.shard.ShardFileWriter;
import dev.phi4j.core.shard.ShardManifest;
import dev.phi4j.core.shard.ShardNames;
import dev.phi4j.core.shard.TokenRow;
import dev.phi4j.core.tokenizer.Tokenizer;
import dev.phi4j.pipeline.stage.ManifestJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Packs the sorted instances of one part into one shard file (two for DPO: chosen and rejected), and reports what it
 * wrote. Subclasses decide the row layout: a token stream cut into rows (pretraining), conversations placed whole
 * into rows (SFT), one pair per row (DPO).
 */
abstract class PartWriter {

    /** Tokens of a segment decoded for the report's samples; longer segments are cut. */
    private static final int SAMPLE_SEGMENT_TOKENS = 400;

    final ShardTarget target;
    final String split;
    final int shard;
    final int rowLength;
    final long[] bucketTokens;
    final long[] bucketInstances;
    final List<PackResult> rows = new ArrayList<>();
    final ArrayNode samples = ManifestJson.MAPPER.createArrayNode();

    PartWriter(ShardTarget target, String split, int shard) {
        this.target = target;
        this.split = split;
        this.shard = shard;
        this.rowLength = target.seqLen() + 1;
        this.bucketTokens = new long[target.buckets()];
        this.bucketInstances = new long[target.buckets()];
    }

    abstract void add(Instance instance) throws IOException;

    /** Finishes the shard file(s); returns the shard rows and the index rows. */
    abstract List<PackResult> finish() throws IOException;

    /** One shard file of this part. */
    final class Output {
        final String split;
        final String file;
        final ShardTarget.Pending pending;
        final ShardFileWriter writer;
        long lossTokens;
        long paddingTokens;
        long rowCount;

        Output(String split) throws IOException {
            this.split = split;
            this.file = ShardNames.file(split, shard);
            this.pending = target.create(file);
            this.writer = new ShardFileWriter(pending.local(), target.seqLen(), target.vocabSize(), target.lossMask());
        }

        /** Appends a row; {@code ids}/{@code copies} name the records at each document start (null: padding). */
        void append(TokenRow row, String[] ids, int[] copies) throws IOException {
            writer.append(row);
            if (row.lossMask() != null) {
                for (int i = 1; i < row.lossMask().length; i++) {
                    lossTokens += row.lossMask()[i] ? 1 : 0;
                }
            }
            if (target.sequenceIndex()) {
                rows.add(PackResult.row(split, file, rowCount, ids, copies, row.documentStarts()));
            }
            if (shard == 0 && samples.size() < target.samples() * (PartWriter.this instanceof PairPartWriter ? 2 : 1)) {
                samples.add(sample(row, ids, copies));
            }
            rowCount++;
        }

        /** The shard row; a shard that got no complete row is deleted and reported without a file. */
        PackResult finish(long droppedTokens) throws IOException {
            ShardManifest.ShardFile entry = writer.finish();
            PackResult result = new PackResult();
            result.setKind(PackResult.SHARD);
            result.setSplit(split);
            if (entry.sequences() > 0) {
                target.publish(pending);
                result.setFile(entry.file());
                result.setSha256(entry.sha256());
            } else {
                target.discard(pending);
            }
            result.setSequences(entry.sequences());
            result.setTokens(entry.tokens());
            result.setBucketTokens(bucketTokens.clone());
            result.setBucketInstances(bucketInstances.clone());
            result.setLossTokens(lossTokens);
            result.setPaddingTokens(paddingTokens);
            result.setDroppedTokens(droppedTokens);
            result.setSamplesJson(samples.isEmpty() ? null : ManifestJson.MAPPER.writeValueAsString(samples));
            return result;
        }

        private ObjectNode sample(TokenRow row, String[] ids, int[] copies) {
            Tokenizer tokenizer = target.tokenizer().open();
            ObjectNode sample = ManifestJson.MAPPER.createObjectNode();
            sample.put("split", split);
            sample.put("file", file);
            sample.put("row", rowCount);
            sample.put("tokens", row.tokens().length);
            ArrayNode segments = sample.putArray("segments");
            int[] starts = row.documentStarts();
            for (int d = 0; d < starts.length; d++) {
                int from = starts[d];
                int to = d + 1 < starts.length ? starts[d + 1] : row.tokens().length;
                ObjectNode segment = segments.addObject();
                if (ids[d] == null) {
                    segment.putNull("id");
                } else {
                    segment.put("id", ids[d]);
                }
                segment.put("copy", copies[d]);
                segment.put("start", from);
                segment.put("end", to);
                ArrayNode runs = segment.putArray("runs");
                int end = Math.min(to, from + SAMPLE_SEGMENT_TOKENS);
                int runStart = from;
                for (int i = from; i <= end; i++) {
                    boolean boundary = i == end || (row.lossMask() != null && row.lossMask()[i] != row.lossMask()[runStart]);
                    if (boundary && i > runStart) {
                        ObjectNode run = runs.addObject();
                        run.put("text", tokenizer.decode(Arrays.copyOfRange(row.tokens(), runStart, i)));
                        if (row.lossMask() != null) {
                            run.put("loss", row.lossMask()[runStart]);
                        }
                        runStart = i;
                    }
                }
                segment.put("cut", end < to);
            }
            return sample;
        }
    }
}
